//! The page's strings: English with Simplified Chinese, the history viewer's own, and the
//! names kept as the papers write them, and each family's own table compiled into its module
//! alone. Looked up by `super` (`t`, `t_dyn`).


mod dht;
mod mapreduce;
mod page;
mod primary_backup;
mod replication;
mod txn;
mod verbatim;
mod viewer;
mod zab;

pub use dht::DHT_TABLE;
pub use mapreduce::MAPREDUCE_TABLE;
pub use page::TABLE;
pub use primary_backup::PB_TABLE;
pub use replication::REPLICATION_TABLE;
pub use txn::TXN_TABLE;
pub use verbatim::VERBATIM;
pub use viewer::VIEWER_TABLE;
pub use zab::ZAB_TABLE;
