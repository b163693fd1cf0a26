//! The scale-N spec generator, shared by `examples/scale.rs`, `benches/scale.rs` and
//! `tests/scale.rs` (each includes this file with `#[path = …] mod scale_gen;`).
//!
//! scale-N is N VPCs in one region (`us-east-1`, zones a, b, c). Each VPC has an internet
//! gateway and, in each of the three zones, a public and a private subnet with three EC2 nodes
//! each: 18 nodes and 1 gateway per VPC, so scale-100 has 1,900 nodes. Links: the gateway to
//! every public node (9), and every private node to the public node above it (9), so 18 links
//! per VPC.
#![allow(dead_code)]

/// The sizes of the series.
pub const SERIES: [usize; 7] = [1, 5, 20, 50, 100, 500, 1000];

/// The scale-`n` spec text.
pub fn scale_spec(n: usize) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(3000 * n + 200);
    let mut links = String::with_capacity(1000 * n);
    let _ = write!(
        out,
        "[diagram]\ntitle = \"scale-{n}\"\n\n[regions.r]\ncode = \"us-east-1\"\nzones = [\"a\", \"b\", \"c\"]\n\n"
    );
    for v in 0..n {
        // 250 distinct /16 blocks; VPCs may repeat a block (they are separate networks).
        let b = v % 250;
        let _ = write!(
            out,
            "[vpcs.v{v}]\nregion = \"r\"\ncidr = \"10.{b}.0.0/16\"\n\n\
             [gateways.igw{v}]\ntype = \"internet\"\nvpc = \"v{v}\"\n\n"
        );
        for (zi, z) in ["a", "b", "c"].iter().enumerate() {
            for (ti, t) in ["public", "private"].iter().enumerate() {
                let sid = format!("v{v}-{t}-{z}");
                let _ = write!(
                    out,
                    "[subnets.{sid}]\nvpc = \"v{v}\"\nzone = \"{z}\"\ncidr = \"10.{b}.{}.0/24\"\ntier = \"{t}\"\n\n",
                    zi * 2 + ti
                );
                for k in 0..3 {
                    let nid = format!("{sid}-n{k}");
                    let _ = write!(
                        out,
                        "[nodes.{nid}]\nkind = \"ec2\"\nin = \"{sid}\"\nlabel = \"n{k}\"\n\n"
                    );
                    let (from, to) = if ti == 0 {
                        (format!("igw{v}"), nid)
                    } else {
                        (nid, format!("v{v}-public-{z}-n{k}"))
                    };
                    let _ = write!(links, "[[links]]\nfrom = \"{from}\"\nto = \"{to}\"\n\n");
                }
            }
        }
    }
    out.push_str(&links);
    out
}
