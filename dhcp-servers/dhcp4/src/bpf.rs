//! Classic BPF program attached to the raw packet socket so the kernel hands us only
//! unfragmented IPv4/UDP frames addressed to the server port.

/// One classic BPF instruction (`struct sock_filter`).
pub type Insn = libc::sock_filter;

const fn stmt(code: u16, k: u32) -> Insn {
    Insn {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Insn {
    Insn { code, jt, jf, k }
}

// Opcode pieces from linux/filter.h (libc does not export all of them on every target).
const BPF_LD: u16 = 0x00;
const BPF_LDX: u16 = 0x01;
const BPF_JMP: u16 = 0x05;
const BPF_RET: u16 = 0x06;
const BPF_H: u16 = 0x08;
const BPF_B: u16 = 0x10;
const BPF_ABS: u16 = 0x20;
const BPF_IND: u16 = 0x40;
const BPF_MSH: u16 = 0xa0;
const BPF_JEQ: u16 = 0x10;
const BPF_JSET: u16 = 0x40;
const BPF_K: u16 = 0x00;

/// Builds the filter: Ethernet type IPv4, protocol UDP, not a fragment, UDP destination `port`.
pub fn dhcp_server_filter(port: u16) -> Vec<Insn> {
    vec![
        // 0: A = ethertype
        stmt(BPF_LD | BPF_H | BPF_ABS, 12),
        // 1: IPv4? else drop
        jump(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 8),
        // 2: A = IP protocol
        stmt(BPF_LD | BPF_B | BPF_ABS, 23),
        // 3: UDP? else drop
        jump(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
        // 4: A = flags/fragment offset
        stmt(BPF_LD | BPF_H | BPF_ABS, 20),
        // 5: any fragment offset -> drop
        jump(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
        // 6: X = IP header length
        stmt(BPF_LDX | BPF_B | BPF_MSH, 14),
        // 7: A = UDP destination port
        stmt(BPF_LD | BPF_H | BPF_IND, 16),
        // 8: our port? accept : drop
        jump(BPF_JMP | BPF_JEQ | BPF_K, u32::from(port), 0, 1),
        // 9: accept whole frame
        stmt(BPF_RET | BPF_K, 0x0004_0000),
        // 10: drop
        stmt(BPF_RET | BPF_K, 0),
    ]
}

/// A filter that accepts nothing.
pub fn drop_all() -> Vec<Insn> {
    vec![stmt(BPF_RET | BPF_K, 0)]
}

/// Attaches `prog` to the socket `fd` (SO_ATTACH_FILTER).
pub fn attach(fd: std::os::fd::BorrowedFd<'_>, prog: &[Insn]) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let fprog = libc::sock_fprog {
        len: u16::try_from(prog.len())
            .map_err(|_| std::io::Error::other("BPF program too long"))?,
        filter: prog.as_ptr() as *mut Insn,
    };
    // SAFETY: fprog points at `prog`, which outlives the call; the kernel copies the program.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            (&fprog as *const libc::sock_fprog).cast(),
            std::mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{FrameAddrs, build_frame};
    use std::net::Ipv4Addr;

    /// Tiny interpreter for the subset of classic BPF the filter uses, so the jump offsets are
    /// tested without a kernel.
    fn run(prog: &[Insn], pkt: &[u8]) -> u32 {
        let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
        let ld = |off: usize, n: usize| -> Option<u32> {
            pkt.get(off..off + n)
                .map(|b| b.iter().fold(0u32, |acc, v| (acc << 8) | u32::from(*v)))
        };
        for _ in 0..64 {
            let i = prog[pc];
            let class = i.code & 0x07;
            match class {
                0x00 => {
                    let size = if i.code & BPF_H != 0 { 2 } else { 1 };
                    let off = if i.code & BPF_IND != 0 { x + i.k } else { i.k } as usize;
                    match ld(off, size) {
                        Some(v) => a = v,
                        None => return 0,
                    }
                }
                0x01 => match ld(i.k as usize, 1) {
                    Some(v) => x = (v & 0x0f) * 4,
                    None => return 0,
                },
                0x05 => {
                    let taken = if i.code & 0xf0 == BPF_JSET {
                        a & i.k != 0
                    } else {
                        a == i.k
                    };
                    pc += usize::from(if taken { i.jt } else { i.jf });
                }
                0x06 => return i.k,
                _ => panic!("unexpected opcode"),
            }
            pc += 1;
        }
        panic!("runaway program")
    }

    fn frame(dst_port: u16) -> Vec<u8> {
        let mut out = Vec::new();
        build_frame(
            &mut out,
            &FrameAddrs {
                src_mac: [2, 0, 0, 0, 0, 2],
                dst_mac: [0xff; 6],
                src_ip: Ipv4Addr::UNSPECIFIED,
                dst_ip: Ipv4Addr::BROADCAST,
                src_port: 68,
                dst_port,
            },
            &[0u8; 300],
        )
        .unwrap();
        out
    }

    #[test]
    fn accepts_only_server_port() {
        let prog = dhcp_server_filter(67);
        assert_ne!(run(&prog, &frame(67)), 0);
        assert_eq!(run(&prog, &frame(68)), 0);
        let mut arp = frame(67);
        arp[12] = 0x08;
        arp[13] = 0x06;
        assert_eq!(run(&prog, &arp), 0);
        let mut frag = frame(67);
        frag[14 + 7] = 1;
        assert_eq!(run(&prog, &frag), 0);
        let mut tcp = frame(67);
        tcp[23] = 6;
        assert_eq!(run(&prog, &tcp), 0);
        assert_ne!(run(&dhcp_server_filter(1067), &frame(1067)), 0);
    }
}
