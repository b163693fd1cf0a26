//! Custom icons: resolved against the spec's folder, kept inside it, sanitised, embedded.

use archdraw::icons::IconOptions;
use archdraw::{Format, Options};
use std::path::Path;

fn spec(icon: &str) -> String {
    format!("[nodes.app]\nkind = \"server\"\nlabel = \"App\"\nicon = \"{icon}\"\n")
}

fn opts(dir: &Path) -> Options {
    Options {
        icons: IconOptions {
            base_dir: Some(dir.to_path_buf()),
            ..IconOptions::default()
        },
        ..Options::default()
    }
}

const EVIL_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20" onload="alert(1)"><script>alert(2)</script><rect id="box" width="20" height="20" fill="#123456" onclick="x()"/><foreignObject/><image href="https://example.com/x.png"/></svg>"##;

#[test]
fn an_svg_icon_is_sanitised_and_embedded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("icons")).unwrap();
    std::fs::write(dir.path().join("icons/app.svg"), EVIL_SVG).unwrap();
    let d = archdraw::compile_with_options(&spec("icons/app.svg"), &opts(dir.path()))
        .expect("compiles");
    let svg = String::from_utf8(d.render(Format::Svg, 1.0).unwrap()).unwrap();
    assert!(
        svg.contains(r##"viewBox="0 0 20 20""##),
        "the icon's own viewBox is kept"
    );
    assert!(svg.contains("#123456"), "its drawing is kept");
    for bad in [
        "script",
        "alert",
        "onload",
        "onclick",
        "foreignObject",
        "example.com",
    ] {
        assert!(!svg.contains(bad), "{bad} must not reach the output");
    }
    roxmltree::Document::parse(&svg).expect("well-formed");
    assert!(d.render(Format::Png, 1.0).is_ok());
}

#[test]
fn a_png_icon_is_embedded_as_data() {
    let dir = tempfile::tempdir().unwrap();
    // Make a real PNG with our own renderer.
    let png = archdraw::render::png::render_svg(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="red"/></svg>"#,
        1.0,
        u64::MAX,
    )
    .unwrap();
    std::fs::write(dir.path().join("logo.png"), &png).unwrap();
    let d = archdraw::compile_with_options(&spec("logo.png"), &opts(dir.path())).expect("compiles");
    let svg = String::from_utf8(d.render(Format::Svg, 1.0).unwrap()).unwrap();
    assert!(
        svg.contains("data:image/png;base64,iVBORw0KGgo"),
        "PNG embedded"
    );
    assert!(svg.contains(r#"viewBox="0 0 8 8""#));
    // The PNG output shows the red icon.
    let out = d.render(Format::Png, 1.0).unwrap();
    assert!(out.starts_with(b"\x89PNG"));
}

#[test]
fn icons_outside_the_spec_folder_missing_or_bad_are_errors() {
    let root = tempfile::tempdir().unwrap();
    let specdir = root.path().join("docs");
    std::fs::create_dir(&specdir).unwrap();
    std::fs::write(root.path().join("secret.svg"), EVIL_SVG).unwrap();
    std::fs::write(specdir.join("notes.txt"), "hello").unwrap();
    std::fs::write(specdir.join("broken.svg"), "<svg").unwrap();
    let text = spec("../secret.svg");
    let e = archdraw::compile_with_options(&text, &opts(&specdir)).unwrap_err();
    assert!(
        e[0].message.contains("outside the spec's folder"),
        "{}",
        e[0].message
    );
    assert!(e[0]
        .hint
        .as_deref()
        .unwrap()
        .contains("--allow-icons-outside"));
    assert_eq!(
        e[0].span.map(|s| &text[s.start..s.end]),
        Some("\"../secret.svg\"")
    );
    // Allowed explicitly, it loads.
    let mut o = opts(&specdir);
    o.icons.allow_outside = true;
    assert!(archdraw::compile_with_options(&text, &o).is_ok());
    for (file, what) in [
        ("nope.svg", "cannot be read"),
        ("notes.txt", "neither .svg nor .png"),
        ("broken.svg", "not valid SVG"),
    ] {
        let e = archdraw::compile_with_options(&spec(file), &opts(&specdir)).unwrap_err();
        assert!(e[0].message.contains(what), "{file}: {}", e[0].message);
    }
    // Without a folder (text compiled from memory) an icon is an error, not a guess.
    let e = archdraw::compile(&spec("x.svg")).unwrap_err();
    assert!(
        e[0].message.contains("the spec has no folder"),
        "{}",
        e[0].message
    );
}

#[test]
fn aws_icon_folder_is_matched_by_service_name() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir
        .path()
        .join("Architecture-Service-Icons/Arch_Networking/48");
    std::fs::create_dir_all(&pkg).unwrap();
    let nat = archdraw::catalog::lookup("nat-gateway").unwrap();
    std::fs::write(
        pkg.join(format!("Arch_{}_48.svg", nat.service)),
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#abcdef"/></svg>"##,
    )
    .unwrap();
    let text = "[nodes.n]\nkind = \"nat-gateway\"\n\n[nodes.u]\nkind = \"users\"\n";
    let mut o = opts(dir.path());
    o.icons.aws_icons = Some(dir.path().to_path_buf());
    let d = archdraw::compile_with_options(text, &o).unwrap();
    let svg = String::from_utf8(d.render(Format::Svg, 1.0).unwrap()).unwrap();
    assert!(
        svg.contains("#abcdef"),
        "the package's icon is used for nat-gateway"
    );
    assert!(svg.contains(r#"viewBox="0 0 64 64""#));
    // Kinds the package lacks keep archdraw's own icon.
    let users = archdraw::scene::icon_body(archdraw::catalog::lookup("users").unwrap().icon);
    assert!(svg.contains(&users.replace('\n', "")[..40]));
}
