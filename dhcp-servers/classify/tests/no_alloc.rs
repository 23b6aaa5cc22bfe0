//! Per-packet cost: building a class set with the built-in classes and evaluating typical
//! tests allocates nothing (counted with a wrapping global allocator), and the time per
//! evaluation is printed (`cargo test --release -p dhcp-classify --test no_alloc -- --nocapture`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use dhcp_classify::{ClassSet, Expr, Family, Packet, ParseEnv};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

struct Pkt {
    options: Vec<(u16, Vec<u8>)>,
    link: Ipv6Addr,
}

impl Packet for Pkt {
    fn option(&self, code: u16) -> Option<&[u8]> {
        self.options
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| &v[..])
    }
    fn iface(&self) -> &str {
        "eth0"
    }
    fn src(&self) -> IpAddr {
        IpAddr::V6(Ipv6Addr::LOCALHOST)
    }
    fn dst(&self) -> IpAddr {
        IpAddr::V6(Ipv6Addr::LOCALHOST)
    }
    fn packet_len(&self) -> u32 {
        100
    }
    fn msg_type(&self) -> u8 {
        1
    }
    fn transid(&self) -> u32 {
        7
    }
    fn relay6_count(&self) -> usize {
        1
    }
    fn relay6_addresses(&self, _level: usize) -> Option<(Ipv6Addr, Ipv6Addr)> {
        Some((self.link, Ipv6Addr::UNSPECIFIED))
    }
}

const TESTS: &[&str] = &[
    "substring(option[1].hex, 0, 2) == 0x0003",
    "vendor-class[4491].data == 'docsis3.0' and pkt6.msgtype == 1",
    "pkt.iface == 'eth0' or member('gold')",
    "vendor.enterprise == 4491",
    "relay6[0].linkaddr == 2001:db8::1 and not option[23].exists",
    "member('KNOWN') and split('a.b', '.', 2) == 'b'",
];

#[test]
fn classification_does_not_allocate() {
    let code = |_: &str| None;
    let defined = |n: &str| n == "gold";
    let env = ParseEnv {
        family: Family::V6,
        option_code: &code,
        class_defined: &defined,
    };
    let exprs: Vec<Expr> = TESTS
        .iter()
        .map(|t| Expr::parse(t, &env).unwrap())
        .collect();
    let mut vc = vec![0, 0, 0x11, 0x8b, 0, 9];
    vc.extend_from_slice(b"docsis3.0");
    let pkt = Pkt {
        options: vec![
            (1, vec![0, 3, 0, 1, 2, 0, 0, 0, 0, 5]),
            (16, vc),
            (17, vec![0, 0, 0x11, 0x8b]),
        ],
        link: "2001:db8::1".parse().unwrap(),
    };
    let gold: Arc<str> = Arc::from("gold");
    let rounds = 100_000u32;
    let before = ALLOCS.load(Ordering::Relaxed);
    let start = Instant::now();
    let mut hits = 0u32;
    for _ in 0..rounds {
        let mut cs = ClassSet::default();
        cs.insert_static("ALL");
        cs.insert_static("KNOWN");
        for (e, name) in exprs.iter().zip(std::iter::repeat(&gold)) {
            if e.eval(&pkt, &cs).unwrap_or(false) {
                cs.insert_shared(name);
                hits += 1;
            }
        }
        std::hint::black_box(&cs);
    }
    let elapsed = start.elapsed();
    let allocs = ALLOCS.load(Ordering::Relaxed) - before;
    assert_eq!(hits, rounds * TESTS.len() as u32, "every test is true");
    assert_eq!(allocs, 0, "allocations during classification");
    println!(
        "{} tests per packet: {:.0} ns per packet, {:.1} ns per test",
        TESTS.len(),
        elapsed.as_nanos() as f64 / f64::from(rounds),
        elapsed.as_nanos() as f64 / f64::from(rounds) / TESTS.len() as f64
    );
    // Each test alone.
    let mut cs = ClassSet::default();
    cs.insert_static("ALL");
    cs.insert_static("KNOWN");
    for (e, t) in exprs.iter().zip(TESTS) {
        let start = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(e.eval(std::hint::black_box(&pkt), &cs).unwrap_or(false));
        }
        println!(
            "{:.1} ns: {t}",
            start.elapsed().as_nanos() as f64 / f64::from(rounds)
        );
    }
    // No tests: the built-in classes only.
    let before = ALLOCS.load(Ordering::Relaxed);
    let start = Instant::now();
    for _ in 0..rounds {
        let mut cs = ClassSet::default();
        cs.insert_static("ALL");
        cs.insert_static("UNKNOWN");
        std::hint::black_box(&cs);
    }
    let elapsed = start.elapsed();
    assert_eq!(ALLOCS.load(Ordering::Relaxed) - before, 0);
    println!(
        "built-in classes only: {:.1} ns per packet",
        elapsed.as_nanos() as f64 / f64::from(rounds)
    );
}
