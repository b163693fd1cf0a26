//! PDF backend: one vector page from the scene's SVG, drawn by krilla (the PDF writer of
//! typst) through krilla-svg. Takes SVG text; gives the PDF's bytes.
//!
//! The page is the diagram's size (1 px = 1 pt). Text stays text: the bundled Noto Sans is
//! embedded as a subset of the glyphs used, so labels can be selected and searched; nothing
//! is rasterised. krilla-svg reads a `usvg` tree of its own version (0.47, resvg's is 0.49),
//! so the SVG text is parsed once more here, with the same font database as the PNG's. No
//! creation date is written: the same diagram gives the same bytes.

use super::RenderError;
use crate::text::{BOLD_TTF, FONT_FAMILY, REGULAR_TTF};
use krilla::geom::Size;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};
use std::sync::{Arc, OnceLock};

/// The font database with only the bundled faces, every generic family mapped to them.
fn fontdb() -> Arc<usvg047::fontdb::Database> {
    static DB: OnceLock<Arc<usvg047::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg047::fontdb::Database::new();
        db.load_font_data(REGULAR_TTF.to_vec());
        db.load_font_data(BOLD_TTF.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        db.set_serif_family(FONT_FAMILY);
        db.set_monospace_family(FONT_FAMILY);
        db.set_cursive_family(FONT_FAMILY);
        db.set_fantasy_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Writes SVG text as a one-page PDF titled `title`.
pub fn render_svg(svg: &str, title: Option<&str>) -> Result<Vec<u8>, RenderError> {
    let opt = usvg047::Options {
        fontdb: fontdb(),
        font_family: FONT_FAMILY.to_string(),
        // Only images embedded as data are drawn; nothing is read from a path or URL.
        image_href_resolver: usvg047::ImageHrefResolver {
            resolve_data: usvg047::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..Default::default()
    };
    let tree =
        usvg047::Tree::from_str(svg, &opt).map_err(|e| RenderError::Render(e.to_string()))?;
    let (w, h) = (tree.size().width(), tree.size().height());
    let size = Size::from_wh(w, h).ok_or_else(|| RenderError::Render("empty page".into()))?;
    let mut doc = Document::new();
    let mut meta = Metadata::new().creator(format!("archdraw {}", env!("CARGO_PKG_VERSION")));
    if let Some(t) = title {
        meta = meta.title(t.to_string());
    }
    doc.set_metadata(meta);
    let mut page = doc.start_page_with(PageSettings::new(size));
    let mut surface = page.surface();
    let drawn = surface.draw_svg(
        &tree,
        size,
        SvgSettings {
            embed_text: true,
            ..Default::default()
        },
    );
    surface.finish();
    page.finish();
    if drawn.is_none() {
        return Err(RenderError::Render("the SVG could not be drawn".into()));
    }
    doc.finish()
        .map_err(|e| RenderError::Render(format!("{e:?}")))
}
