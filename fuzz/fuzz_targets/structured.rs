//! Structure-aware specs (regions, zones, VPCs, subnets, gateways, load balancers, route
//! tables, nodes, groups, links) generated with `arbitrary`, printed as TOML and run through
//! the same pipeline and checks as `raw_bytes`. Most generated specs are valid, so this
//! target mostly exercises layout, routing and rendering.
//!
//! `cargo fuzz fmt structured <input>` prints the TOML spec an input stands for.
#![no_main]

use archdraw_fuzz::gen::GenSpec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|spec: GenSpec| {
    let text = spec.to_toml();
    archdraw_fuzz::exercise(&text);
});
