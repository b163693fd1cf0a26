//! PNG backend: rasterises the scene's SVG with resvg, using only the bundled font.
//!
//! The font database holds just the bundled Noto Sans faces, and every generic family maps to
//! them, so text looks the same on every machine whatever fonts are installed.

use super::RenderError;
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
pub fn render_svg(svg: &str, scale: f32, max_pixels: u64) -> Result<Vec<u8>, RenderError> {
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
        resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| RenderError::Render(e.to_string()))?;
    let size = tree.size();
    let (wi, hi) = fit_budget(size.width(), size.height(), scale, max_pixels)?;
    let (w, h) = (wi as u32, hi as u32);
    // Two bands of rows, each drawn, filtered and deflated on its own thread (one for a
    // small image). The cut depends only on the height, so the bytes do not depend on the
    // machine. A band whose pixels are all opaque (a diagram's background always is) is
    // encoded as RGB at once: a quarter less to compress.
    let cuts: Vec<u32> = if h >= 64 {
        vec![0, h / 2, h]
    } else {
        vec![0, h]
    };
    let last = cuts.len() - 2;
    let bands: Vec<(resvg::tiny_skia::Pixmap, Option<super::png_encode::Part>)> =
        std::thread::scope(|s| {
            let handles: Vec<_> = cuts
                .windows(2)
                .enumerate()
                .map(|(k, c)| {
                    let tree = &tree;
                    s.spawn(move || {
                        let mut pixmap = resvg::tiny_skia::Pixmap::new(w, c[1] - c[0])?;
                        let t = resvg::tiny_skia::Transform::from_scale(scale, scale)
                            .post_translate(0.0, -(c[0] as f32));
                        resvg::render(tree, t, &mut pixmap.as_mut());
                        let rgb = rows(&pixmap, 3);
                        let part = rgb.map(|r| {
                            super::png_encode::band(&r, w as usize * 3, 3, k == 0, k == last)
                        });
                        Some((pixmap, part))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("PNG band thread"))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| RenderError::Render("cannot allocate the image".into()))?;
    if bands.iter().all(|b| b.1.is_some()) {
        let parts: Vec<_> = bands.into_iter().filter_map(|b| b.1).collect();
        return Ok(super::png_encode::assemble(w, h, 3, &parts));
    }
    // Some pixels are transparent: RGBA, the alpha taken out of the colours.
    let parts: Vec<_> = bands
        .iter()
        .enumerate()
        .map(|(k, b)| {
            let r = rows(&b.0, 4).expect("RGBA always");
            super::png_encode::band(&r, w as usize * 4, 4, k == 0, k == last)
        })
        .collect();
    Ok(super::png_encode::assemble(w, h, 4, &parts))
}

/// A pixmap's rows as RGB (`channels` 3; `None` when some pixel is not opaque) or as RGBA
/// with the alpha taken out of the colours (`channels` 4).
fn rows(pixmap: &resvg::tiny_skia::Pixmap, channels: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(pixmap.pixels().len() * channels);
    if channels == 3 {
        for p in pixmap.data().chunks_exact(4) {
            if p[3] != 255 {
                return None;
            }
            out.extend_from_slice(&p[..3]);
        }
    } else {
        for p in pixmap.pixels() {
            let c = p.demultiply();
            out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
        }
    }
    Some(out)
}

/// The pixel size of a `width` × `height` px image at `scale`, or `TooLarge` when it would
/// exceed `max_pixels`.
fn fit_budget(
    width: f32,
    height: f32,
    scale: f32,
    max_pixels: u64,
) -> Result<(u64, u64), RenderError> {
    let w = (width * scale).ceil();
    let h = (height * scale).ceil();
    let (wi, hi) = (w as u64, h as u64);
    if !(w.is_finite() && h.is_finite()) || wi == 0 || hi == 0 || wi.saturating_mul(hi) > max_pixels
    {
        return Err(RenderError::TooLarge {
            width: w.min(u32::MAX as f32) as u32,
            height: h.min(u32::MAX as f32) as u32,
            max_pixels,
        });
    }
    Ok((wi, hi))
}

/// Renders the scene to PNG bytes. An image over the budget is refused from the scene's size,
/// before any SVG is written or parsed.
pub fn render(scene: &Scene, scale: f32, max_pixels: u64) -> Result<Vec<u8>, RenderError> {
    fit_budget(scene.width, scene.height, scale, max_pixels)?;
    render_svg(&super::svg::for_drawing(scene), scale, max_pixels)
}

#[cfg(test)]
mod band_tests {
    use super::render_svg;

    fn decode(png: &[u8]) -> (png::ColorType, u32, u32, Vec<u8>) {
        let mut r = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .expect("a PNG");
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).expect("its frame");
        buf.truncate(info.buffer_size());
        (info.color_type, info.width, info.height, buf)
    }

    #[test]
    fn opaque_images_are_rgb_and_transparent_ones_rgba() {
        // Tall enough for two bands; a shape across the cut.
        let opaque = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="100"><rect width="40" height="100" fill="#fff"/><circle cx="20" cy="50" r="15" fill="#8C4FFF"/></svg>"##;
        let (ct, w, h, px) = decode(&render_svg(opaque, 1.0, 1 << 20).unwrap());
        assert_eq!((ct, w, h), (png::ColorType::Rgb, 40, 100));
        assert_eq!(&px[..3], &[255, 255, 255]);
        let centre = (50 * 40 + 20) * 3;
        assert_eq!(&px[centre..centre + 3], &[0x8C, 0x4F, 0xFF]);
        let clear = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="100"><circle cx="20" cy="50" r="15" fill="#8C4FFF" fill-opacity="0.5"/></svg>"##;
        let (ct, _, _, px) = decode(&render_svg(clear, 1.0, 1 << 20).unwrap());
        assert_eq!(ct, png::ColorType::Rgba);
        assert_eq!(&px[..4], &[0, 0, 0, 0], "a transparent corner");
        let centre = (50 * 40 + 20) * 4;
        let c = &px[centre..centre + 4];
        assert!(c[3].abs_diff(128) <= 1 && c[0].abs_diff(0x8C) <= 2, "{c:?}");
    }
}
