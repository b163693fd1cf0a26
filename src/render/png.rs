//! PNG backend: rasterises the scene's SVG with resvg, using only the bundled font.
//!
//! The font database holds just the bundled Noto Sans faces, and every generic family maps to
//! them, so text looks the same on every machine whatever fonts are installed.

use super::RenderError as PngError;
use crate::scene::Scene;
use crate::text::{BOLD_TTF, FONT_FAMILY, REGULAR_TTF};
use std::sync::{Arc, OnceLock};

/// The font database with only the bundled faces, every generic family mapped to them.
pub fn fontdb() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
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

/// Rasterises SVG text at `scale` (1 = one pixel per px).
pub fn render_svg(svg: &str, scale: f32, max_pixels: u64) -> Result<Vec<u8>, PngError> {
    let opt = resvg::usvg::Options {
        fontdb: fontdb(),
        font_family: FONT_FAMILY.to_string(),
        // Only images embedded as data are drawn; nothing is ever read from a path or URL.
        image_href_resolver: resvg::usvg::ImageHrefResolver {
            resolve_data: resvg::usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..Default::default()
    };
    let tree =
        resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| PngError::Render(e.to_string()))?;
    let size = tree.size();
    let (wi, hi) = fit_budget(size.width(), size.height(), scale, max_pixels)?;
    let (w, h) = (wi as u32, hi as u32);
    // Two bands of rows, each drawn (and then encoded) on its own thread; one for a small
    // image. The cut depends only on the height, so the bytes do not depend on the machine.
    let cuts: Vec<u32> = if h >= 64 {
        vec![0, h / 2, h]
    } else {
        vec![0, h]
    };
    let bands: Vec<resvg::tiny_skia::Pixmap> = std::thread::scope(|s| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|c| {
                let tree = &tree;
                s.spawn(move || {
                    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, c[1] - c[0])?;
                    let t = resvg::tiny_skia::Transform::from_scale(scale, scale)
                        .post_translate(0.0, -(c[0] as f32));
                    resvg::render(tree, t, &mut pixmap.as_mut());
                    Some(pixmap)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("PNG band thread"))
            .collect::<Option<Vec<_>>>()
    })
    .ok_or_else(|| PngError::Render("cannot allocate the image".into()))?;
    // RGB when every pixel is opaque (a diagram's background always is: a quarter less to
    // filter and compress), else RGBA with the alpha taken out of the colours.
    let opaque = bands
        .iter()
        .all(|b| b.pixels().iter().all(|p| p.alpha() == 255));
    let channels = if opaque { 3 } else { 4 };
    let raw: Vec<Vec<u8>> = bands
        .iter()
        .map(|b| {
            let mut out = Vec::with_capacity(b.pixels().len() * channels);
            if opaque {
                for p in b.data().chunks_exact(4) {
                    out.extend_from_slice(&p[..3]);
                }
            } else {
                for p in b.pixels() {
                    let c = p.demultiply();
                    out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
                }
            }
            out
        })
        .collect();
    let stride = w as usize * channels;
    let parts: Vec<super::png_encode::Band> = raw
        .iter()
        .enumerate()
        .map(|(k, rows)| super::png_encode::Band {
            rows,
            above: (k > 0).then(|| &raw[k - 1][raw[k - 1].len() - stride..]),
        })
        .collect();
    Ok(super::png_encode::encode(w, h, channels, &parts))
}

/// The pixel size of a `width` × `height` px image at `scale`, or `TooLarge` when it would
/// exceed `max_pixels`.
fn fit_budget(
    width: f32,
    height: f32,
    scale: f32,
    max_pixels: u64,
) -> Result<(u64, u64), PngError> {
    let w = (width * scale).ceil();
    let h = (height * scale).ceil();
    let (wi, hi) = (w as u64, h as u64);
    if !(w.is_finite() && h.is_finite()) || wi == 0 || hi == 0 || wi.saturating_mul(hi) > max_pixels
    {
        return Err(PngError::TooLarge {
            width: w.min(u32::MAX as f32) as u32,
            height: h.min(u32::MAX as f32) as u32,
            max_pixels,
        });
    }
    Ok((wi, hi))
}

/// Renders the scene to PNG bytes. An image over the budget is refused from the scene's size,
/// before any SVG is written or parsed.
pub fn render(scene: &Scene, scale: f32, max_pixels: u64) -> Result<Vec<u8>, PngError> {
    fit_budget(scene.width, scene.height, scale, max_pixels)?;
    // resvg draws with the bundled faces from its own font database: no need to embed them.
    let opts = super::svg::SvgOptions {
        font: super::svg::SvgFont::System,
        ..Default::default()
    };
    render_svg(
        &super::svg::render_with(scene, None, &opts),
        scale,
        max_pixels,
    )
}
