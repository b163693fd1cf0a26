//! Custom icons: SVG or PNG files a spec names (`icon = "…"` on a node), and the official AWS
//! Architecture Icons when a user points archdraw at their copy (`aws_icons`, `--aws-icons`).
//!
//! Takes the resolved model and the options; gives the loaded icons, every SVG sanitised
//! before it is embedded: only drawing elements and presentation attributes survive (no
//! script, no event handlers, no foreignObject, no style sheets, no external references),
//! and ids are prefixed so they cannot clash with ours. Paths are resolved against the spec's
//! folder and may not leave it unless the options allow.

use crate::catalog::KindInfo;
use crate::diag::Diagnostic;
use crate::model::{EntId, EntKind, Model};
use crate::spec::Sp;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest icon file read, in bytes.
pub const MAX_ICON_BYTES: u64 = 2 * 1024 * 1024;

/// An icon ready to embed: its viewBox and sanitised inner markup.
#[derive(Debug, Clone, PartialEq)]
pub struct Icon {
    pub name: String,
    pub view_box: String,
    pub body: Arc<str>,
}

/// Icons that replace the built-in ones.
#[derive(Debug, Clone, Default)]
pub struct Icons {
    /// Per node, from its `icon` key.
    pub by_entity: HashMap<EntId, Icon>,
    /// Per catalogued kind, from the AWS icon folder.
    pub by_kind: HashMap<&'static str, Icon>,
}

/// Where icon files come from.
#[derive(Debug, Clone, Default)]
pub struct IconOptions {
    /// The spec's folder: relative icon paths start here. Without it, `icon` keys are errors.
    pub base_dir: Option<PathBuf>,
    /// A copy of AWS's Architecture Icons package, searched by service name.
    pub aws_icons: Option<PathBuf>,
    /// Let `icon` paths point outside the spec's folder.
    pub allow_outside: bool,
    /// The AWS icon folder for specs that name none (`aws_icons` in `archdraw.toml`);
    /// [`IconOptions::aws_icons`] and the spec's `aws_icons` come first.
    pub default_aws_icons: Option<PathBuf>,
}

/// The files a model's icons come from (for watching them).
pub fn icon_paths(m: &Model, opts: &IconOptions) -> Vec<PathBuf> {
    let Some(base) = &opts.base_dir else {
        return Vec::new();
    };
    m.entities
        .iter()
        .filter_map(|e| e.icon.as_ref())
        .map(|p| base.join(&p.value))
        .collect()
}

/// Loads every custom icon of the model; errors point at the `icon` value.
pub fn load(m: &Model, opts: &IconOptions) -> (Icons, Vec<Diagnostic>) {
    let aws_dir_from_spec = m.aws_icons.as_ref();
    let mut icons = Icons::default();
    let mut diags = Vec::new();
    for (i, e) in m.entities.iter().enumerate() {
        let Some(path) = &e.icon else { continue };
        match load_custom(path, opts, i) {
            Ok(icon) => {
                icons.by_entity.insert(EntId(i as u32), icon);
            }
            Err(d) => diags.push(d),
        }
    }
    let aws_dir = opts
        .aws_icons
        .clone()
        .or_else(|| {
            aws_dir_from_spec.map(|p| match &opts.base_dir {
                Some(b) => b.join(&p.value),
                None => PathBuf::from(&p.value),
            })
        })
        .or_else(|| opts.default_aws_icons.clone());
    if let Some(dir) = aws_dir {
        if !dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    aws_dir_from_spec.map(|p| p.span),
                    format!("AWS icon folder {} does not exist", dir.display()),
                )
                .with_hint(
                    "point aws_icons (or --aws-icons) at the unpacked Architecture Icons package",
                ),
            );
        } else {
            let files = list_svgs(&dir);
            for e in &m.entities {
                if let EntKind::Node { info, .. } = &e.kind {
                    if icons.by_kind.contains_key(info.kind) {
                        continue;
                    }
                    if let Some(icon) = find_aws(info, &files) {
                        icons.by_kind.insert(info.kind, icon);
                    }
                }
            }
        }
    }
    (icons, diags)
}

fn load_custom(path: &Sp<String>, opts: &IconOptions, n: usize) -> Result<Icon, Diagnostic> {
    let err =
        |msg: String, hint: &str| Diagnostic::error(path.span, msg).with_hint(hint.to_string());
    let Some(base) = &opts.base_dir else {
        return Err(err(
            format!(
                "icon `{}` cannot be read: the spec has no folder",
                path.value
            ),
            "render the spec from a file to use custom icons",
        ));
    };
    let full = base.join(&path.value);
    let canon = full.canonicalize().map_err(|e| {
        err(
            format!("icon `{}` cannot be read: {e}", path.value),
            "icon paths are relative to the spec's folder",
        )
    })?;
    if !opts.allow_outside {
        let root = base.canonicalize().unwrap_or_else(|_| base.clone());
        if !canon.starts_with(&root) {
            return Err(err(
                format!("icon `{}` is outside the spec's folder", path.value),
                "keep icons beside the spec, or pass --allow-icons-outside",
            ));
        }
    }
    let meta = std::fs::metadata(&canon)
        .map_err(|e| err(format!("icon `{}`: {e}", path.value), "check the path"))?;
    if meta.len() > MAX_ICON_BYTES {
        return Err(err(
            format!(
                "icon `{}` is {} bytes; icons may be at most {MAX_ICON_BYTES}",
                path.value,
                meta.len()
            ),
            "use a smaller file",
        ));
    }
    let bytes = std::fs::read(&canon)
        .map_err(|e| err(format!("icon `{}`: {e}", path.value), "check the path"))?;
    let name = format!("custom-{n}");
    let lower = path.value.to_ascii_lowercase();
    if lower.ends_with(".png") {
        png_icon(&bytes, &name).map_err(|m| {
            err(
                format!("icon `{}`: {m}", path.value),
                "use a valid PNG or SVG file",
            )
        })
    } else if lower.ends_with(".svg") {
        let text = String::from_utf8(bytes).map_err(|_| {
            err(
                format!("icon `{}` is not UTF-8 text", path.value),
                "use a valid SVG file",
            )
        })?;
        sanitize_svg(&text, &name).map_err(|m| {
            err(
                format!("icon `{}`: {m}", path.value),
                "use a valid SVG file",
            )
        })
    } else {
        Err(err(
            format!("icon `{}` is neither .svg nor .png", path.value),
            "custom icons are SVG or PNG files",
        ))
    }
}

fn list_svgs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    // Bounded walk: the icon package has a few thousand files.
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if stack.len() < 10_000 {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("svg"))
                && out.len() < 50_000
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The best file of the AWS package for a kind: its service name in the file name, the
/// 48 px architecture variant preferred.
fn find_aws(info: &KindInfo, files: &[PathBuf]) -> Option<Icon> {
    let want = info.service.to_ascii_lowercase();
    let mut best: Option<(i32, &PathBuf)> = None;
    for f in files {
        let name = f.file_name()?.to_string_lossy().to_ascii_lowercase();
        let stem = name.trim_end_matches(".svg");
        // Whole name parts: "…_nat-gateway_48" matches "nat-gateway", "servers" does not match "server".
        let parts: Vec<&str> = stem.split(['_', ' ']).collect();
        let joined = parts.join("_");
        let hit = parts.iter().any(|p| *p == want)
            || joined.contains(&format!("_{want}_"))
            || joined.ends_with(&format!("_{want}"))
            || joined.starts_with(&format!("{want}_"));
        if !hit {
            continue;
        }
        let mut score = 0;
        if stem.ends_with("_48") {
            score += 10;
        }
        if stem.starts_with("arch_") || stem.starts_with("res_") {
            score += 5;
        }
        score -= stem.len() as i32 / 10;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, f));
        }
    }
    let (_, path) = best?;
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_ICON_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    sanitize_svg(&text, &format!("aws-{}", info.kind)).ok()
}

const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "use",
    "symbol",
    "text",
    "tspan",
];

const ATTRIBUTES: &[&str] = &[
    "id",
    "d",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "width",
    "height",
    "points",
    "transform",
    "viewBox",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-dasharray",
    "stroke-dashoffset",
    "opacity",
    "clip-path",
    "clip-rule",
    "mask",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "href",
    "font-size",
    "font-family",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "preserveAspectRatio",
    "display",
    "visibility",
    "color",
    "maskUnits",
    "clipPathUnits",
    "patternUnits",
];

/// Rebuilds an SVG from its allowed parts; gives the viewBox and the inner markup.
pub fn sanitize_svg(text: &str, prefix: &str) -> Result<Icon, String> {
    let opt = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 200_000,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opt)
        .map_err(|e| format!("not valid SVG: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err("the root element is not <svg>".into());
    }
    let num = |n: &str| {
        root.attribute(n)
            .and_then(|v| v.trim_end_matches("px").trim().parse::<f32>().ok())
    };
    let view_box = match root.attribute("viewBox") {
        Some(vb) if vb.split([' ', ',']).filter(|s| !s.is_empty()).count() == 4 => {
            clean_value(vb, prefix).unwrap_or_else(|| "0 0 48 48".into())
        }
        _ => match (num("width"), num("height")) {
            (Some(w), Some(h)) if w > 0.0 && h > 0.0 => format!("0 0 {w} {h}"),
            _ => "0 0 48 48".into(),
        },
    };
    let mut body = String::new();
    for child in root.children() {
        write_node(child, prefix, &mut body, 0);
    }
    Ok(Icon {
        name: prefix.to_string(),
        view_box,
        body: Arc::from(body),
    })
}

/// A value made safe: no external references or scripts; internal `#id` references prefixed.
fn clean_value(v: &str, prefix: &str) -> Option<String> {
    let low = v.to_ascii_lowercase();
    if low.contains("javascript:")
        || low.contains("data:")
        || low.contains("expression(")
        || low.contains("@import")
    {
        return None;
    }
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find("url(") {
        out.push_str(&rest[..i]);
        let after = rest[i + 4..].trim_start_matches(['\'', '"', ' ']);
        if !after.starts_with('#') {
            return None;
        }
        out.push_str(&format!("url(#{prefix}-"));
        rest = &after[1..];
    }
    out.push_str(rest);
    Some(out)
}

fn write_node(n: roxmltree::Node, prefix: &str, out: &mut String, depth: usize) {
    use crate::xml::escape;
    if depth > 64 {
        return;
    }
    if n.is_text() {
        if let Some(t) = n.text() {
            if n.parent()
                .is_some_and(|p| matches!(p.tag_name().name(), "text" | "tspan"))
            {
                out.push_str(&escape(t));
            }
        }
        return;
    }
    if !n.is_element() {
        return;
    }
    let name = n.tag_name().name();
    if !ELEMENTS.contains(&name)
        || n.tag_name()
            .namespace()
            .is_some_and(|ns| ns != "http://www.w3.org/2000/svg")
    {
        return;
    }
    out.push('<');
    out.push_str(name);
    for a in n.attributes() {
        let an = a.name();
        if !ATTRIBUTES.contains(&an) {
            continue;
        }
        let is_xlink = a.namespace() == Some("http://www.w3.org/1999/xlink");
        if a.namespace().is_some() && !is_xlink {
            continue;
        }
        let value = if an == "href" {
            match a.value().strip_prefix('#') {
                Some(id) => format!("#{prefix}-{id}"),
                None => continue,
            }
        } else if an == "id" {
            format!("{prefix}-{}", a.value())
        } else {
            match clean_value(a.value(), prefix) {
                Some(v) => v,
                None => continue,
            }
        };
        out.push_str(&format!(" {an}=\"{}\"", escape(&value)));
    }
    out.push('>');
    for c in n.children() {
        write_node(c, prefix, out, depth + 1);
    }
    out.push_str(&format!("</{name}>"));
}

/// A PNG icon, embedded as an image filling its viewBox.
fn png_icon(bytes: &[u8], name: &str) -> Result<Icon, String> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return Err("not a PNG file".into());
    }
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    if w == 0 || h == 0 || w > 4096 || h > 4096 {
        return Err(format!(
            "a {w}×{h} image is not usable as an icon (at most 4096×4096)"
        ));
    }
    let body = format!(
        r#"<image width="{w}" height="{h}" href="data:image/png;base64,{}"/>"#,
        base64(bytes)
    );
    Ok(Icon {
        name: name.to_string(),
        view_box: format!("0 0 {w} {h}"),
        body: Arc::from(body),
    })
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitiser_drops_active_content_and_prefixes_ids() {
        let evil = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="alert(1)">
            <script>alert(2)</script>
            <style>rect { fill: url(http://evil/x) }</style>
            <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
            <defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>
            <rect id="r" width="10" height="10" fill="url(#g)" onclick="alert(3)" style="fill:red"/>
            <use xlink:href="#r"/><use href="http://evil/x.svg#a"/>
            <image href="http://evil/x.png"/>
            <a href="javascript:alert(4)"><path d="M0 0h1"/></a>
            <circle r="1" fill="url(http://evil/y)"/>
        </svg>"##;
        let icon = sanitize_svg(evil, "c1").unwrap();
        let body = &*icon.body;
        assert_eq!(icon.view_box, "0 0 10 10");
        for bad in [
            "script",
            "alert",
            "style",
            "foreignObject",
            "onload",
            "onclick",
            "evil",
            "<image",
            "<a",
            "javascript",
        ] {
            assert!(!body.contains(bad), "{bad} survived in {body}");
        }
        assert!(body.contains(r##"id="c1-g""##), "{body}");
        assert!(body.contains(r##"fill="url(#c1-g)""##), "{body}");
        assert!(body.contains(r##"href="#c1-r""##), "{body}");
        // The result parses as XML inside an svg element.
        let wrapped = format!(r#"<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>"#);
        roxmltree::Document::parse(&wrapped).unwrap();
    }

    #[test]
    fn bad_files_are_rejected() {
        assert!(sanitize_svg("not xml", "x").is_err());
        assert!(sanitize_svg("<html/>", "x").is_err());
        assert!(sanitize_svg(r#"<!DOCTYPE svg [<!ENTITY a "b">]><svg/>"#, "x").is_err());
        assert!(png_icon(b"GIF89a", "x").is_err());
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
