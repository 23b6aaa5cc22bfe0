//! Datastore behaviour on a small test model: edits, validation, commits
//! with subscribers, locks, candidate, persistence, operational view.

use std::sync::{Arc, Mutex, OnceLock};

use kea_yang::yang2;
use yang_datastore::*;
use yang2::context::{Context, ContextFlags};
use yang2::data::{Data, DataFormat, DataTree};

const TEST_MODULE: &str = r#"
module dstest {
  yang-version 1.1;
  namespace "urn:test:dstest";
  prefix t;
  container config {
    leaf name { type string; }
    leaf count { type uint8 { range "1..10"; } default 5; }
    list item {
      key id;
      leaf id { type uint32; }
      leaf value { type string; }
      leaf-list tag { type string; }
    }
  }
  container other { leaf flag { type boolean; } }
  container state { config false; leaf up { type boolean; } }
}
"#;

// libyang itself adds the `operation`, `filter` and `select` annotations to
// a module named ietf-netconf (`select` depends on its `xpath` feature);
// without them it would drop the attribute from edits.
const ANNOTATIONS: &str = r#"
module ietf-netconf {
  yang-version 1.1;
  namespace "urn:ietf:params:xml:ns:netconf:base:1.0";
  prefix nc;
  feature xpath;
}
"#;

fn context() -> &'static Context {
    static CONTEXT: OnceLock<&'static Context> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("dstest.yang"), TEST_MODULE).expect("write module");
        std::fs::write(dir.path().join("ietf-netconf.yang"), ANNOTATIONS).expect("write module");
        let mut ctx =
            Context::new(ContextFlags::NO_YANGLIBRARY | ContextFlags::DISABLE_SEARCHDIR_CWD)
                .expect("context");
        ctx.set_searchdir(dir.path()).expect("searchdir");
        ctx.load_module("dstest", None, &[]).expect("load dstest");
        ctx.load_module("ietf-netconf", None, &[])
            .expect("load ietf-netconf");
        Box::leak(Box::new(ctx))
    })
}

fn edit_xml(body: &str) -> String {
    format!(
        r#"<config xmlns="urn:test:dstest" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">{body}</config>"#
    )
}

fn edit(
    ds: &DatastoreManager,
    session: SessionId,
    target: Datastore,
    xml: &str,
) -> Result<(), Vec<DatastoreError>> {
    edit_with(
        ds,
        session,
        target,
        xml,
        DefaultOperation::Merge,
        ErrorOption::StopOnError,
    )
}

fn edit_with(
    ds: &DatastoreManager,
    session: SessionId,
    target: Datastore,
    xml: &str,
    default_operation: DefaultOperation,
    error_option: ErrorOption,
) -> Result<(), Vec<DatastoreError>> {
    let tree = kea_yang::parse_edit(context(), xml, DataFormat::XML)
        .map_err(|e| DatastoreError::InvalidData {
            message: e.message,
            path: e.path,
        })
        .map_err(|e| vec![e])?;
    ds.edit(
        session,
        target,
        &EditRequest {
            edit: &tree,
            default_operation,
            error_option,
            test_option: TestOption::TestThenSet,
        },
    )
}

fn value(ds: &DatastoreManager, datastore: Datastore, path: &str) -> Option<String> {
    let tree = ds.get(datastore, None).ok()?;
    tree.reference()?;
    tree.find_path(path).ok().and_then(|n| n.value_canonical())
}

const NAME: &str = "/dstest:config/name";
const ITEM1_VALUE: &str = "/dstest:config/item[id='1']/value";

#[test]
fn merge_creates_and_updates() {
    let ds = DatastoreManager::in_memory(context());
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml("<name>a</name><item><id>1</id><value>x</value></item>"),
    )
    .unwrap();
    assert_eq!(value(&ds, Datastore::Running, NAME).as_deref(), Some("a"));
    assert_eq!(
        value(&ds, Datastore::Running, ITEM1_VALUE).as_deref(),
        Some("x")
    );
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml("<item><id>1</id><value>y</value></item>"),
    )
    .unwrap();
    assert_eq!(
        value(&ds, Datastore::Running, ITEM1_VALUE).as_deref(),
        Some("y")
    );
    assert_eq!(
        value(&ds, Datastore::Running, NAME).as_deref(),
        Some("a"),
        "merge keeps siblings"
    );
}

#[test]
fn create_delete_remove_follow_rfc6241() {
    let ds = DatastoreManager::in_memory(context());
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml(r#"<item nc:operation="create"><id>1</id></item>"#),
    )
    .unwrap();
    let err = edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml(r#"<item nc:operation="create"><id>1</id></item>"#),
    )
    .unwrap_err();
    assert_eq!(err[0].error_tag(), "data-exists");
    let err = edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml(r#"<item nc:operation="delete"><id>2</id></item>"#),
    )
    .unwrap_err();
    assert_eq!(err[0].error_tag(), "data-missing");
    assert_eq!(err[0].error_path(), Some("/dstest:config/item[id='2']"));
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml(r#"<item nc:operation="remove"><id>2</id></item>"#),
    )
    .unwrap();
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml(r#"<item nc:operation="delete"><id>1</id></item>"#),
    )
    .unwrap();
    assert!(!ds.exists(Datastore::Running, "/dstest:config/item[id='1']"));
}

#[test]
fn replace_drops_children_not_in_the_edit() {
    let ds = DatastoreManager::in_memory(context());
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml("<item><id>1</id><value>x</value><tag>a</tag><tag>b</tag></item>"),
    )
    .unwrap();
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml(r#"<item nc:operation="replace"><id>1</id><tag>c</tag></item>"#),
    )
    .unwrap();
    assert_eq!(value(&ds, Datastore::Running, ITEM1_VALUE), None);
    assert!(ds.exists(Datastore::Running, "/dstest:config/item[id='1']/tag[.='c']"));
    assert!(!ds.exists(Datastore::Running, "/dstest:config/item[id='1']/tag[.='a']"));
}

#[test]
fn deleting_the_first_top_level_node_keeps_the_rest() {
    let ds = DatastoreManager::in_memory(context());
    edit(&ds, 1, Datastore::Running, &edit_xml("<name>a</name>")).unwrap();
    let other = r#"<other xmlns="urn:test:dstest"><flag>true</flag></other>"#;
    let tree = kea_yang::parse_edit(context(), other, DataFormat::XML).unwrap();
    ds.edit(
        1,
        Datastore::Running,
        &EditRequest {
            edit: &tree,
            default_operation: DefaultOperation::Merge,
            error_option: ErrorOption::StopOnError,
            test_option: TestOption::TestThenSet,
        },
    )
    .unwrap();
    edit(&ds, 1, Datastore::Running, r#"<config xmlns="urn:test:dstest" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="delete"/>"#).unwrap();
    assert_eq!(value(&ds, Datastore::Running, NAME), None);
    assert_eq!(
        value(&ds, Datastore::Running, "/dstest:other/flag").as_deref(),
        Some("true")
    );
}

#[test]
fn invalid_values_change_nothing() {
    let ds = DatastoreManager::in_memory(context());
    edit(&ds, 1, Datastore::Running, &edit_xml("<name>a</name>")).unwrap();
    let err = edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml("<name>b</name><count>50</count>"),
    )
    .unwrap_err();
    assert_eq!(err[0].error_tag(), "invalid-value", "{err:?}");
    assert_eq!(value(&ds, Datastore::Running, NAME).as_deref(), Some("a"));
    assert!(
        kea_yang::parse_edit(context(), &edit_xml("<nosuch>1</nosuch>"), DataFormat::XML).is_err()
    );
}

#[test]
fn continue_on_error_applies_the_good_parts() {
    let ds = DatastoreManager::in_memory(context());
    let xml = edit_xml(r#"<item nc:operation="delete"><id>9</id></item><name>ok</name>"#);
    let err = edit_with(
        &ds,
        1,
        Datastore::Running,
        &xml,
        DefaultOperation::Merge,
        ErrorOption::StopOnError,
    )
    .unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(value(&ds, Datastore::Running, NAME), None);
    let err = edit_with(
        &ds,
        1,
        Datastore::Running,
        &xml,
        DefaultOperation::Merge,
        ErrorOption::ContinueOnError,
    )
    .unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].error_tag(), "data-missing");
    assert_eq!(
        value(&ds, Datastore::Running, NAME).as_deref(),
        Some("ok"),
        "the good sibling is applied"
    );
}

#[derive(Default)]
struct Recorder {
    name: String,
    veto: Option<String>,
    log: Arc<Mutex<Vec<String>>>,
}

impl ChangeSubscriber for Recorder {
    fn name(&self) -> &str {
        &self.name
    }
    fn change(&self, event: &ChangeEvent<'_>) -> Result<(), String> {
        self.log
            .lock()
            .unwrap()
            .push(format!("{}:change:{}", self.name, event.module));
        match &self.veto {
            Some(msg) => Err(msg.clone()),
            None => Ok(()),
        }
    }
    fn done(&self, _event: &ChangeEvent<'_>) {
        self.log.lock().unwrap().push(format!("{}:done", self.name));
    }
    fn abort(&self, _event: &ChangeEvent<'_>) {
        self.log
            .lock()
            .unwrap()
            .push(format!("{}:abort", self.name));
    }
}

#[test]
fn subscribers_run_by_priority_and_can_veto() {
    let ds = DatastoreManager::in_memory(context());
    let log = Arc::new(Mutex::new(Vec::new()));
    let low = Arc::new(Recorder {
        name: "low".into(),
        log: log.clone(),
        ..Default::default()
    });
    let high = Arc::new(Recorder {
        name: "high".into(),
        log: log.clone(),
        ..Default::default()
    });
    ds.subscribe("dstest", 1, low);
    ds.subscribe("dstest", 10, high);
    edit(&ds, 1, Datastore::Running, &edit_xml("<name>a</name>")).unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "high:change:dstest",
            "low:change:dstest",
            "high:done",
            "low:done"
        ]
    );

    // The same content again: empty diff, nobody is told.
    log.lock().unwrap().clear();
    edit(&ds, 1, Datastore::Running, &edit_xml("<name>a</name>")).unwrap();
    assert!(log.lock().unwrap().is_empty());

    // A veto from the last subscriber aborts the earlier one and keeps running.
    let veto = Arc::new(Recorder {
        name: "veto".into(),
        veto: Some("server says no".into()),
        log: log.clone(),
    });
    ds.subscribe("dstest", 0, veto);
    let err = edit(&ds, 1, Datastore::Running, &edit_xml("<name>b</name>")).unwrap_err();
    assert_eq!(err[0].to_string(), "server says no");
    assert_eq!(
        *log.lock().unwrap(),
        [
            "high:change:dstest",
            "low:change:dstest",
            "veto:change:dstest",
            "low:abort",
            "high:abort"
        ]
    );
    assert_eq!(value(&ds, Datastore::Running, NAME).as_deref(), Some("a"));
}

#[test]
fn locks_belong_to_sessions() {
    let ds = DatastoreManager::in_memory(context());
    ds.lock(1, Datastore::Running).unwrap();
    let err = ds.lock(2, Datastore::Running).unwrap_err();
    assert_eq!(
        err,
        DatastoreError::LockDenied {
            datastore: Datastore::Running,
            owner: 1
        }
    );
    let err = edit(&ds, 2, Datastore::Running, &edit_xml("<name>b</name>")).unwrap_err();
    assert_eq!(err[0].error_tag(), "lock-denied");
    edit(&ds, 1, Datastore::Running, &edit_xml("<name>a</name>")).unwrap();
    assert!(ds.unlock(2, Datastore::Running).is_err());
    ds.end_session(1);
    assert_eq!(ds.lock_owner(Datastore::Running), None);
    edit(&ds, 2, Datastore::Running, &edit_xml("<name>b</name>")).unwrap();
}

#[test]
fn candidate_commit_and_discard() {
    let ds = DatastoreManager::in_memory(context());
    edit(&ds, 1, Datastore::Candidate, &edit_xml("<name>c</name>")).unwrap();
    assert_eq!(value(&ds, Datastore::Running, NAME), None);
    assert!(ds.candidate_modified());
    // Another session cannot lock a candidate holding someone else's edits.
    assert_eq!(
        ds.lock(2, Datastore::Candidate).unwrap_err().error_tag(),
        "in-use"
    );
    ds.commit(1).unwrap();
    assert_eq!(value(&ds, Datastore::Running, NAME).as_deref(), Some("c"));
    edit(&ds, 1, Datastore::Candidate, &edit_xml("<name>d</name>")).unwrap();
    ds.discard_changes().unwrap();
    assert_eq!(value(&ds, Datastore::Candidate, NAME).as_deref(), Some("c"));
    assert!(!ds.candidate_modified());
}

#[test]
fn unmodified_candidate_follows_running() {
    let ds = DatastoreManager::in_memory(context());
    edit(&ds, 1, Datastore::Running, &edit_xml("<name>r</name>")).unwrap();
    assert_eq!(value(&ds, Datastore::Candidate, NAME).as_deref(), Some("r"));
    // A commit of a later candidate edit keeps what went to running directly.
    edit(
        &ds,
        1,
        Datastore::Candidate,
        &edit_xml("<item><id>1</id><value>v</value></item>"),
    )
    .unwrap();
    ds.commit(1).unwrap();
    assert_eq!(value(&ds, Datastore::Running, NAME).as_deref(), Some("r"));
    assert_eq!(
        value(&ds, Datastore::Running, ITEM1_VALUE).as_deref(),
        Some("v")
    );
    // A modified candidate keeps its own edits when running changes.
    edit(&ds, 1, Datastore::Candidate, &edit_xml("<name>c</name>")).unwrap();
    edit(&ds, 2, Datastore::Running, &edit_xml("<name>r2</name>")).unwrap();
    assert_eq!(value(&ds, Datastore::Candidate, NAME).as_deref(), Some("c"));
}

#[test]
fn datastores_persist_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let ds = DatastoreManager::open(context(), dir.path()).unwrap();
        edit(
            &ds,
            1,
            Datastore::Running,
            &edit_xml("<name>persisted</name>"),
        )
        .unwrap();
        ds.copy(1, Datastore::Running, Datastore::Startup).unwrap();
        edit(
            &ds,
            1,
            Datastore::Running,
            &edit_xml("<name>running-only</name>"),
        )
        .unwrap();
    }
    assert!(!dir.path().join("running.json.tmp").exists());
    let ds = DatastoreManager::open(context(), dir.path()).unwrap();
    assert_eq!(
        value(&ds, Datastore::Running, NAME).as_deref(),
        Some("running-only")
    );
    assert_eq!(
        value(&ds, Datastore::Startup, NAME).as_deref(),
        Some("persisted")
    );
    // A corrupt file is an error, not an empty datastore.
    std::fs::write(dir.path().join("startup.json"), "{ not json").unwrap();
    assert!(DatastoreManager::open(context(), dir.path()).is_err());
}

struct UpProvider;

impl OperationalProvider for UpProvider {
    fn state(
        &self,
        _module: &str,
        _xpath: Option<&str>,
    ) -> Result<Option<DataTree<'static>>, String> {
        let mut tree = DataTree::new(context());
        tree.new_path("/dstest:state/up", Some("true"), false)
            .map_err(|e| e.to_string())?;
        Ok(Some(tree))
    }
}

#[test]
fn operational_view_merges_state() {
    let ds = DatastoreManager::in_memory(context());
    edit(&ds, 1, Datastore::Running, &edit_xml("<name>a</name>")).unwrap();
    ds.set_operational_provider("dstest", Arc::new(UpProvider));
    assert_eq!(
        value(&ds, Datastore::Operational, "/dstest:state/up").as_deref(),
        Some("true")
    );
    assert_eq!(
        value(&ds, Datastore::Operational, NAME).as_deref(),
        Some("a")
    );
    let only_state = ds
        .get(Datastore::Operational, Some("/dstest:state"))
        .unwrap();
    let json = kea_yang::print_tree(
        &only_state,
        DataFormat::JSON,
        kea_yang::WithDefaults::Explicit,
    )
    .unwrap();
    assert!(
        json.contains("\"up\": true") && !json.contains("name"),
        "{json}"
    );
    assert!(
        ds.edit(
            1,
            Datastore::Operational,
            &EditRequest {
                edit: &kea_yang::parse_edit(
                    context(),
                    &edit_xml("<name>x</name>"),
                    DataFormat::XML
                )
                .unwrap(),
                default_operation: DefaultOperation::Merge,
                error_option: ErrorOption::StopOnError,
                test_option: TestOption::TestThenSet,
            }
        )
        .is_err()
    );
}

#[test]
fn edit_annotations_never_reach_the_datastore() {
    let ds = DatastoreManager::in_memory(context());
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml(r#"<item nc:operation="replace"><id>1</id><value>x</value><tag>a</tag></item><name nc:operation="merge">n</name>"#),
    )
    .unwrap();
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml(r#"<item nc:operation="create"><id>2</id><value>y</value></item>"#),
    )
    .unwrap();
    let json = kea_yang::print_tree(
        &*ds.running(),
        DataFormat::JSON,
        kea_yang::WithDefaults::Explicit,
    )
    .unwrap();
    assert!(!json.contains("operation") && !json.contains('@'), "{json}");
    assert_eq!(
        value(&ds, Datastore::Running, "/dstest:config/item[id='2']/value").as_deref(),
        Some("y")
    );
    assert_eq!(
        value(&ds, Datastore::Running, ITEM1_VALUE).as_deref(),
        Some("x")
    );
}

/// Takes `delay` in its change phase, then accepts.
struct Slow {
    name: &'static str,
    delay: std::time::Duration,
    log: Arc<Mutex<Vec<String>>>,
}

impl ChangeSubscriber for Slow {
    fn name(&self) -> &str {
        self.name
    }
    fn change(&self, _event: &ChangeEvent<'_>) -> Result<(), String> {
        std::thread::sleep(self.delay);
        self.log
            .lock()
            .unwrap()
            .push(format!("{}:change", self.name));
        Ok(())
    }
    fn done(&self, _event: &ChangeEvent<'_>) {
        self.log.lock().unwrap().push(format!("{}:done", self.name));
    }
    fn abort(&self, _event: &ChangeEvent<'_>) {
        self.log
            .lock()
            .unwrap()
            .push(format!("{}:abort", self.name));
    }
}

#[test]
fn a_subscriber_that_takes_too_long_fails_the_commit() {
    use std::time::{Duration, Instant};
    let ds = DatastoreManager::in_memory(context());
    assert_eq!(ds.change_timeout(), DEFAULT_CHANGE_TIMEOUT);
    ds.set_change_timeout(Duration::from_millis(200));
    let log = Arc::new(Mutex::new(Vec::new()));
    let quick = Arc::new(Recorder {
        name: "quick".into(),
        log: log.clone(),
        ..Default::default()
    });
    ds.subscribe("dstest", 10, quick);
    ds.subscribe(
        "dstest",
        1,
        Arc::new(Slow {
            name: "slow",
            delay: Duration::from_millis(700),
            log: log.clone(),
        }),
    );
    let started = Instant::now();
    let err = edit(&ds, 1, Datastore::Running, &edit_xml("<name>late</name>")).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "did not wait for the slow one"
    );
    assert_eq!(err[0].error_tag(), "operation-failed");
    assert!(
        matches!(&err[0], DatastoreError::SubscriberTimeout { subscriber, .. } if subscriber == "slow"),
        "{err:?}"
    );
    assert!(err[0].to_string().contains("200 ms"), "{}", err[0]);
    // Nothing applied; the subscriber that accepted was told abort.
    assert_eq!(value(&ds, Datastore::Running, NAME), None);
    assert_eq!(*log.lock().unwrap(), ["quick:change:dstest", "quick:abort"]);
    // The slow one answers later and is told abort, never done.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        *log.lock().unwrap(),
        [
            "quick:change:dstest",
            "quick:abort",
            "slow:change",
            "slow:abort"
        ]
    );

    // With time enough the same commit goes through.
    log.lock().unwrap().clear();
    ds.set_change_timeout(Duration::from_secs(5));
    edit(
        &ds,
        1,
        Datastore::Running,
        &edit_xml("<name>in-time</name>"),
    )
    .unwrap();
    assert_eq!(
        value(&ds, Datastore::Running, NAME).as_deref(),
        Some("in-time")
    );
    assert_eq!(
        *log.lock().unwrap(),
        [
            "quick:change:dstest",
            "slow:change",
            "quick:done",
            "slow:done"
        ]
    );
}

#[test]
fn locks_record_when_they_were_taken() {
    let ds = DatastoreManager::in_memory(context());
    let before = std::time::SystemTime::now();
    ds.lock(7, Datastore::Candidate).unwrap();
    let lock = ds.lock_info(Datastore::Candidate).unwrap();
    assert_eq!(lock.session, 7);
    assert!(lock.since >= before && lock.since <= std::time::SystemTime::now());
    assert_eq!(ds.lock_info(Datastore::Running), None);
    ds.end_session(7);
    assert_eq!(ds.lock_info(Datastore::Candidate), None);
}
