//! archdraw: cloud architecture diagrams (SVG, PNG, JSON layout) from a declarative TOML model.
//!
//! The pipeline, one module per stage, each returning a new value:
//!
//! 1. [`spec::parse`]: TOML text → [`spec::Spec`] (values with spans; syntax, unknown keys,
//!    wrong types).
//! 2. [`model::resolve`]: `Spec` → [`model::Model`] (ids resolved, kinds typed, one entity tree).
//! 3. [`validate::validate`]: semantic checks on the model (CIDRs, routes, NAT placement…);
//!    with [`Options::view`], [`views::derive`] cuts that view's spec from the model and
//!    stages 2 and 3 run again on it.
//! 4. [`layout::layout`]: `Model` → [`layout::Layout`] (nested boxes; zone columns, tier rows).
//! 5. [`route::route`]: orthogonal links and their labels → [`route::Routes`].
//! 6. [`scene::scene`]: everything → [`scene::Scene`], flat primitives with colours and icons.
//! 7. [`render::svg`], [`render::png`], [`render::json`]: bytes.
//!
//! [`compile`] runs stages 1–6; [`Diagram::render`] runs stage 7 for one format.
//! User mistakes are [`diag::Diagnostic`]s, all collected; nothing in the pipeline panics on
//! bad input.

pub mod catalog;
pub mod diag;
pub mod geom;
pub mod icons;
pub mod layout;
pub mod limits;
pub mod model;
pub mod quality;
pub mod regions;
pub mod render;
pub mod route;
pub mod scene;
pub mod schema;
mod spatial;
pub mod spec;
pub mod text;
pub mod validate;
pub mod views;
pub mod xml;

use diag::Diagnostic;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Svg,
    Png,
    Json,
    /// A diagrams.net (draw.io) file: `.drawio`.
    Drawio,
    /// One vector page, text embedded and selectable (the default `pdf` cargo feature).
    Pdf,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Json => "json",
            Format::Drawio => "drawio",
            Format::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            "json" => Some(Format::Json),
            "drawio" => Some(Format::Drawio),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

/// A spec taken through every stage up to the scene.
#[derive(Debug, Clone)]
pub struct Diagram {
    pub model: model::Model,
    pub layout: layout::Layout,
    pub routes: route::Routes,
    pub scene: scene::Scene,
    /// Warnings found on the way (errors stop compilation).
    pub warnings: Vec<Diagnostic>,
    /// The limits it was compiled under (the PNG pixel budget applies when rendering).
    pub limits: limits::Limits,
    /// The theme it was drawn in: [`Options::theme`], else the spec's, else
    /// [`Options::default_theme`], else light.
    pub theme: spec::Theme,
    /// With the `auto` theme, the scene in the dark palette: the SVG carries both (the PNG and
    /// [`Diagram::scene`] are light).
    pub dark_scene: Option<scene::Scene>,
    /// The icons that replace built-in ones (custom `icon` files, the AWS package's).
    pub icons: icons::Icons,
    /// How [`Format::Svg`] output gets its font ([`Options::svg_font`]).
    pub svg_font: render::svg::SvgFont,
}

/// How to compile: limits, theme, and where files a spec names (custom icons) are looked up.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limits: limits::Limits,
    pub icons: icons::IconOptions,
    /// A theme that overrides the spec's `[diagram] theme` (e.g. from `--theme`).
    pub theme: Option<spec::Theme>,
    /// The theme of specs that do not choose one (e.g. from a project's `archdraw.toml`).
    pub default_theme: Option<spec::Theme>,
    /// The `[views.<name>]` to draw; `None`: the whole model.
    pub view: Option<String>,
    /// Whether SVG output embeds the subset font it uses (the default) or names it only.
    pub svg_font: render::svg::SvgFont,
}

impl Diagram {
    /// Renders one format. PNG can fail only on its pixel budget.
    pub fn render(&self, format: Format, scale: f32) -> Result<Vec<u8>, render::RenderError> {
        Ok(match format {
            Format::Svg => self
                .svg(&render::svg::SvgOptions {
                    font: self.svg_font,
                    ..Default::default()
                })
                .into_bytes(),
            Format::Png => render::png::render(&self.scene, scale, self.limits.png_pixels)?,
            Format::Json => {
                render::json::render(&self.model, &self.layout, &self.routes).into_bytes()
            }
            Format::Drawio => {
                render::drawio::render(&self.model, &self.layout, &self.routes, &self.icons)
                    .into_bytes()
            }
            #[cfg(feature = "pdf")]
            Format::Pdf => {
                // The scene in its own palette (light for `auto`), as the PNG.
                let svg = render::svg::for_drawing(&self.scene);
                render::pdf::render_svg(&svg, self.model.title.as_deref())?
            }
            #[cfg(not(feature = "pdf"))]
            Format::Pdf => {
                return Err(render::RenderError::Unsupported(
                    "this archdraw was built without PDF output (cargo feature `pdf`)",
                ))
            }
        })
    }

    /// The SVG, with options (id prefix, inline sizing); with both palettes for `auto`.
    pub fn svg(&self, opts: &render::svg::SvgOptions) -> String {
        render::svg::render_with(&self.scene, self.dark_scene.as_ref(), opts)
    }
}

/// Runs the pipeline up to the scene. Returns every diagnostic when there is any error.
pub fn compile(text: &str) -> Result<Diagram, Vec<Diagnostic>> {
    compile_with_options(text, &Options::default())
}

/// [`compile`] with options.
pub fn compile_with_options(text: &str, opts: &Options) -> Result<Diagram, Vec<Diagnostic>> {
    compile_inner(text, &text::FontMeasure::new(), opts)
}

/// [`compile`] with a given text measurer.
pub fn compile_with(text: &str, measure: &dyn text::Measure) -> Result<Diagram, Vec<Diagnostic>> {
    compile_inner(text, measure, &Options::default())
}

fn compile_inner(
    text: &str,
    measure: &dyn text::Measure,
    opts: &Options,
) -> Result<Diagram, Vec<Diagnostic>> {
    let (model, diags) = front(text, opts);
    match model {
        Some(model) => back(model, diags, measure, opts),
        None => Err(diags),
    }
}

/// Every view of a spec, each compiled up to the scene: the views named in `only`, else every
/// view the spec declares, else the whole model (one entry, named `None`). The spec is read
/// and resolved once, and each view cut from that model. Any error of the spec or of a view
/// fails the whole (with every diagnostic found up to it).
pub fn compile_views(
    text: &str,
    opts: &Options,
    only: &[String],
) -> Result<Vec<(Option<String>, Diagram)>, Vec<Diagnostic>> {
    let measure = text::FontMeasure::new();
    let (whole, diags) = front_whole(text, opts);
    let Some((spec, model)) = whole else {
        return Err(diags);
    };
    let names: Vec<String> = if only.is_empty() {
        views::names(&spec)
    } else {
        only.to_vec()
    };
    if names.is_empty() {
        return Ok(vec![(None, back(model, diags, &measure, opts)?)]);
    }
    let mut out = Vec::new();
    for name in names {
        let (m, mut d) = cut(&spec, &model, &name);
        d.extend(diags.iter().cloned());
        d.sort_by_key(|d| d.span.map_or(0, |s| s.start));
        let Some(m) = m else { return Err(d) };
        out.push((Some(name), back(m, d, &measure, opts)?));
    }
    Ok(out)
}

/// Stages 4–6 for a model without errors (`diags`: its warnings): icons, layout, routes, scene.
fn back(
    model: model::Model,
    mut diags: Vec<Diagnostic>,
    measure: &dyn text::Measure,
    opts: &Options,
) -> Result<Diagram, Vec<Diagnostic>> {
    let (icons, icon_diags) = icons::load(&model, &opts.icons);
    if !icon_diags.is_empty() {
        diags.extend(icon_diags);
        diags.sort_by_key(|d| d.span.map_or(0, |s| s.start));
        return Err(diags);
    }
    let mut layout = layout::layout(&model, measure);
    let mut routes = route::route(&model, &layout, measure);
    route::fit_canvas(&mut layout, &mut routes);
    let theme = opts
        .theme
        .or(model.theme)
        .or(opts.default_theme)
        .unwrap_or_default();
    let scene = scene::scene_with_theme(&model, &layout, &routes, &icons, theme);
    let dark_scene = (theme == spec::Theme::Auto)
        .then(|| scene::scene_with_theme(&model, &layout, &routes, &icons, spec::Theme::Dark));
    Ok(Diagram {
        model,
        layout,
        routes,
        scene,
        warnings: diags,
        limits: opts.limits,
        theme,
        dark_scene,
        icons,
        svg_font: opts.svg_font,
    })
}

/// Runs every check (syntax, references, semantics) without laying anything out; returns all
/// diagnostics, errors and warnings, in source order.
pub fn check(text: &str) -> Vec<Diagnostic> {
    front(text, &Options::default()).1
}

/// [`check`] with options; also reads the custom icons the spec names. Without a view
/// named, every view the spec declares is checked too.
pub fn check_with_options(text: &str, opts: &Options) -> Vec<Diagnostic> {
    let (whole, mut diags) = front_whole(text, opts);
    let Some((spec, model)) = whole else {
        return diags;
    };
    let names: Vec<String> = match &opts.view {
        Some(v) => vec![v.clone()],
        None => views::names(&spec),
    };
    for name in &names {
        diags.extend(cut(&spec, &model, name).1);
    }
    diags.extend(icons::load(&model, &opts.icons).1);
    diags.sort_by_key(|d| d.span.map_or(0, |s| s.start));
    diags
}

/// A diagnostic found in the spec a view cut from the model: says so.
fn in_view(mut d: Diagnostic, view: &str) -> Diagnostic {
    d.message = format!("in view `{view}`: {}", d.message);
    d
}

/// The names of the views a spec declares (`[views.<name>]`), in file order; none when it
/// declares none or does not parse.
pub fn view_names(text: &str) -> Vec<String> {
    // A spec without the word declares none: no need to parse it.
    if !text.contains("views") {
        return Vec::new();
    }
    views::names(&spec::parse(text).0)
}

/// Stages 1–3 and, with [`Options::view`], that view cut from the model: the model when
/// there is no error, and every diagnostic in source order.
fn front(text: &str, opts: &Options) -> (Option<model::Model>, Vec<Diagnostic>) {
    let (whole, mut diags) = front_whole(text, opts);
    let Some((spec, model)) = whole else {
        return (None, diags);
    };
    let Some(name) = &opts.view else {
        return (Some(model), diags);
    };
    let (m, d) = cut(&spec, &model, name);
    diags.extend(d);
    diags.sort_by_key(|d| d.span.map_or(0, |s| s.start));
    if diag::has_errors(&diags) {
        (None, diags)
    } else {
        (m, diags)
    }
}

/// Stages 1–3 over the whole spec, with the checks of its views: the spec and its model
/// when there is no error, and every diagnostic in source order.
fn front_whole(
    text: &str,
    opts: &Options,
) -> (Option<(spec::Spec, model::Model)>, Vec<Diagnostic>) {
    if let Some(d) = limits::check_input(text, &opts.limits) {
        return (None, vec![d]);
    }
    let (spec, mut diags) = spec::parse(text);
    let over = limits::check_spec(&spec, &opts.limits);
    if !over.is_empty() {
        // Past a limit nothing further is attempted: the point is to stay fast.
        diags.extend(over);
        diags.sort_by_key(|d| d.span.map_or(0, |s| s.start));
        return (None, diags);
    }
    // Resolution runs even after parse errors, so every mistake is reported at once.
    let (model, d) = model::resolve(&spec);
    diags.extend(d);
    if model.entities.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::error(diag::Span::new(0, 0), "the spec draws nothing")
                .with_hint("add a [regions.<id>] or [nodes.<id>] table; see docs/spec.md"),
        );
    }
    if !diag::has_errors(&diags) {
        diags.extend(limits::check_model(&model, &opts.limits));
    }
    if !diag::has_errors(&diags) {
        diags.extend(validate::validate(&model));
    }
    if !diag::has_errors(&diags) {
        diags.extend(views::check(&spec, &model));
    }
    diags.sort_by_key(|d| d.span.map_or(0, |s| s.start));
    if diag::has_errors(&diags) {
        (None, diags)
    } else {
        (Some((spec, model)), diags)
    }
}

/// View `name` cut from `model`, the model of `spec` (see [`views::derive`]): its model
/// resolved and checked again, with the diagnostics that adds (errors only: the whole
/// model's warnings were given with it), or the error of a view the spec lacks.
fn cut(
    spec: &spec::Spec,
    model: &model::Model,
    name: &str,
) -> (Option<model::Model>, Vec<Diagnostic>) {
    let Some(v) = spec.views.iter().find(|v| v.id.value == name) else {
        let names = views::names(spec);
        let d = Diagnostic::error(None, format!("the spec has no view `{name}`"))
            .did_you_mean(&catalog::suggest_from(
                name,
                names.iter().map(|s| s.as_str()),
            ))
            .or_hint(if names.is_empty() {
                "declare one with a [views.<name>] table (see docs/spec.md)".to_string()
            } else {
                format!("its views: {}", names.join(", "))
            });
        return (None, vec![d]);
    };
    let (m, d) = model::resolve(&views::derive(spec, model, v));
    let mut diags: Vec<Diagnostic> = d.into_iter().map(|d| in_view(d, name)).collect();
    // A view drawing one subnet of a load balancer is no mistake: only errors count.
    if !diag::has_errors(&diags) {
        diags.extend(
            validate::validate(&m)
                .into_iter()
                .filter(|d| d.severity == diag::Severity::Error)
                .map(|d| in_view(d, name)),
        );
    }
    let ok = !diag::has_errors(&diags);
    (ok.then_some(m), diags)
}
