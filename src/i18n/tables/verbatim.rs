//! Names kept as the papers and systems write them, in both languages (the completeness
//! tests accept them untranslated).

/// Names kept as the papers write them in both languages: message types, Figure 2's
/// variables, ZooKeeper's zxid.
pub const VERBATIM: &[&str] = &[
    // Chord (SIGCOMM 2001, Figure 6): its operations as the paper names them
    "find_successor", "stabilize", "notify", "fix_fingers", "check_predecessor", "k",
    // Raft (Figure 2, §9.6 of Ongaro's thesis)
    "AppendEntries", "AppendEntriesResponse", "RequestVote", "RequestVoteResponse", "PreVote", "PreVoteResponse",
    "votedFor", "commitIndex", "lastApplied", "nextIndex", "matchIndex", "currentTerm", "nextIndex / matchIndex",
    // Paxos Made Simple, and the Multi-Paxos leader's messages
    "Prepare", "Promise", "Accept", "Accepted", "Nack", "Decide", "Heartbeat", "HeartbeatAck",
    // The lock service (Chubby, ZooKeeper, Kleppmann's fencing)
    "Request", "Response", "NotLeader", "KeepAlive", "KeepAliveAck", "Notify", "Write", "WriteAck", "zxid", "#",
    // MapReduce (Dean & Ghemawat) and MIT 6.5840's lab
    "AssignMap", "AssignReduce", "MapDone", "ReduceDone", "Fetch", "Piece", "NoPiece", "Location", "Pong",
    "HeartbeatResponse", "LaunchShuffleMapTask", "LaunchResultTask", "MapStatus", "TaskResult", "FetchFailed", "FetchBlock", "Block", "NoBlock", "RDD",
    // Epidemic protocols (Demers et al.) and SWIM
    "Push", "Pull", "PushPull", "Reply", "Feedback", "AntiEntropy", "AntiEntropyReply", "Ping", "PingReq", "Ack",
    // Flood
    "Flood", "Sync",
    // Dynamo's ring
    "Gossip", "Store", "StoreAck", "FetchReply", "Handoff", "HandoffAck",
    // HDFS's RPCs as Hadoop names them (ClientProtocol, DataTransferProtocol,
    // DatanodeProtocol, InterDatanodeProtocol), and its words for a block and a DataNode
    "create", "addBlock", "updateBlockForPipeline", "updatePipeline", "complete", "recoverLease", "getBlockLocations",
    "RpcReply", "renewLease", "reportBadBlocks", "Packet", "PipelineAck", "ReadBlock", "BlockData", "ReadError",
    "BlockReport", "blockReceived", "blockDeleted", "TransferBlock", "initReplicaRecovery", "ReplicaRecoveryInfo",
    "updateReplicaUnderRecovery", "ReplicaUpdated", "commitBlockSynchronization", "NameNode", "DataNode", "gs",
    // Primary/backup's messages: appends to the write-ahead log (HBase's WAL append), the
    // fence a new primary takes on the older log files, and 6.824's forward to a backup
    "Append", "AppendAck", "Fence", "FenceAck", "Forward", "ForwardAck",
    // memcached's commands, and the database's
    "Get", "Set", "Delete", "Hit", "Miss", "Wait", "DbGet", "DbValue", "DbPut", "DbAck",
    // Two-phase commit (Gray & Lamport's Prepare/Prepared/Commit/Abort, Bernstein et al.'s
    // DECISION-REQ) and the backup coordinator's survey
    "Prepared", "Aborted", "Commit", "Abort", "DecisionReq", "StateReq", "State",
    // Paxos Commit's phases (Gray & Lamport 2006, §4)
    "Phase1a", "Phase1b", "Phase2a", "Phase2b",
    // Three-phase commit's textbook names (Bernstein et al.'s VOTE-REQ, YES/NO, PRE-COMMIT,
    // COMMIT) and the termination protocol's election
    "CanCommit", "Yes", "No", "PreCommit", "DoCommit", "Elect", "Alive",
    // Zab as ZooKeeper names its messages and state, and the properties as the paper and
    // ZooKeeper's TLA+ specification name them
    "NOTIFICATION", "FOLLOWERINFO", "LEADERINFO", "ACKEPOCH", "DIFF", "TRUNC", "SNAP", "NEWLEADER", "ACK(NEWLEADER)",
    "UPTODATE", "PROPOSAL", "ACK", "COMMIT", "PING", "PING(reply)", "REQUEST", "acceptedEpoch", "currentEpoch",
    "Leadership", "PrefixConsistency", "TotalOrder", "LocalPrimaryOrder", "GlobalPrimaryOrder", "PrimaryIntegrity",
    "DurableEpoch", "DurableCommit", "SingleSystemImage", "Integrity", "ACKs", "epoch", "SYNC", "SYNC(reply)",
];

