//! Links of every released link version keep decoding and replay to the trace hash they
//! had when they were made. Add a row here for every link version ever released; never
//! change a row.

use clusterlab::scenario::{build, decode_link};
use clusterlab::sim::hash_hex;

/// (what it is, link body, trace hash recorded when the link was made)
const RELEASED: &[(&str, &str, &str)] = &[
    (
        "v1, raft minority partition at 2.5 s",
        "1.jZJbboMwEEW3Us03H3mRqmwlipAFk8bCeFw_8lDE3jvGJJA0SOUD2ddzfT3HvoGx5KkiBQVYcfCQgaYaHRR5Bg6xhmLDEnoobqCER11dy1bqMnDJcsFfNsri0surQSbnSmNaKHhSB6NkxYUPxSLZGu2fOV68Ff0-edqnImuD8UNhx8JRkIvn8bJqxoPEUivcMRVuk2KE9dJL0knd3NXg8ElxDZ6TMJw-NlPTWXvZYsrIh5AZGPlbFptXFkNTLzzWSX1ikj9rI5ftGy49ge4OpyQNxUEohxkcRFCeXbsbCD-9tn4hdtJIzdcMsVMKvtR0Hl5BxN1lD98dwKvxwZht35aCiWm7Rbbc76f2zxm7xZ-Azo-ZGZCJ6_EPJsSVBq88ZopxchIqcB1fxAntR0VtK7nBbpr19c-s9WxWg2aa9TZlNUfkiEKVQiku3_NrU-LKSj31dL8",
        "59b35a8f284adf07",
    ),
    (
        "v1, Multi-Paxos leader change at 2.5 s",
        "1.pVPbboMwDP0XP_MArLQbvzJNKAJ3jYAky6UXVfz7HELLZVTqVB5QcmIf28f2FZSWVpaygRwUO0sDEQhZoYE8i8AgVv2hlGLPvyG_QkuPZNu6xnLoyBithxtmUZSXouWicOScxPRFI8zOPZwOsDSmUKqFnC6VUw0vyfCOaJS6Qv3njmerWc-TBZ5Sau2UHQwpm_LAqATKx_KyHhPxppqZQzDcBkQxbbnlUgR0c0OdwRliajwFYMjeF1PJk7C8xRAjG4I8ECNb1WKz1GIoaqHHW0BnmmRzbNRlu6JLr0B3E6eQAvI9awxGsGfURfL6vAKzo388vPhSai5oAijSj0Njh-HomyKVf_d_UM6_1Hihcx3T8cga56fkGENHke_0u9fpkyl9Mqd_f50-ndKnc_qPB_T9aI3k_3dJpi7Jsz1IH1fxNqnitOhBsnudfzPlXzShX5J1fmNp5daFetqLtPqiLW3Y5YCsCr5h_bpf",
        "0fe539df1f443355",
    ),
];

#[test]
fn every_released_link_still_replays_to_its_hash() {
    for (what, link, hash) in RELEASED {
        let s = decode_link(link).unwrap_or_else(|e| panic!("{what}: {e}"));
        let run = build(&s, false).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(hash_hex(run.trace_hash()), *hash, "{what}");
    }
}
