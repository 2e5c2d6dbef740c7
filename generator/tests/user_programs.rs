//! The user programs in `examples/programs/` (written as a new user would, against the README
//! only) compile against a crate generated now from three corpus specs (`iam-v1`, `apikeys-v2`,
//! `cmk-v2`: one many-spec crate, a feature per API), and do what they say when run against a
//! local mock of Confluent Cloud: pages followed through `metadata.next`, a 429 waited out for
//! the `Retry-After` the server gave, a 409 taken as "already exists", a key rotated in the
//! right order. The mock is a small std-only HTTP server that records every request, so the
//! tests assert on what the programs sent as well as on what they printed.
//!
//! One `cargo build --examples` builds all three programs in a scratch workspace under
//! `target/` that shares the target folder. Skips loudly without `$OPENAPI_CORPUS`.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PROGRAMS: [&str; 3] = ["list_accounts", "create_cluster", "rotate_key"];
const SPECS: [&str; 3] = ["iam-v1", "apikeys-v2", "cmk-v2"];
const KEY: &str = "test-key";
const SECRET: &str = "test-secret";
/// `Basic base64("test-key:test-secret")`.
const AUTHORIZATION: &str = "Basic dGVzdC1rZXk6dGVzdC1zZWNyZXQ=";

#[test]
fn user_programs_run_against_a_mock_confluent_cloud() {
    let Some(corpus) = support::corpus_dir() else { return };
    let started = Instant::now();
    let examples = build_programs(&corpus.join("confluent"));
    eprintln!("user programs generated and built in {:.1} s", started.elapsed().as_secs_f64());
    let bin = |name: &str| examples.join(name);

    list_accounts_follows_every_page(&bin("list_accounts"));
    create_cluster_waits_out_a_429(&bin("create_cluster"));
    create_cluster_takes_a_409_as_done(&bin("create_cluster"));
    rotate_key_creates_then_deletes(&bin("rotate_key"));
    rotate_key_of_a_missing_key_changes_nothing(&bin("rotate_key"));
    eprintln!("user programs test took {:.1} s", started.elapsed().as_secs_f64());
}

/// Generates the crate with the public library API (as a user's tool would), copies the
/// programs into its `examples/`, builds them in one cargo call, and returns the folder of the
/// built examples.
fn build_programs(specs: &Path) -> PathBuf {
    let ws = support::crate_dir().join("../target/user-programs-ws");
    let dir = ws.join("confluent-cloud");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).expect("scratch workspace");
    let mut generator = openapi_forge::Generator::new(openapi_forge::Settings::crate_named("confluent-cloud"));
    for spec in SPECS {
        generator.input(openapi_forge::Input::from_file(specs.join(format!("{spec}.yaml"))).expect("read spec"));
    }
    let output = generator.generate().unwrap_or_else(|e| panic!("generate: {e}"));
    output.write_crate(&dir, &openapi_forge::WriteOptions::default()).expect("write crate");
    // The writer leaves files it did not generate alone, so the programs sit beside its output.
    std::fs::create_dir_all(dir.join("examples")).expect("examples folder");
    let programs = support::crate_dir().join("../examples/programs");
    for name in PROGRAMS {
        std::fs::copy(programs.join(format!("{name}.rs")), dir.join(format!("examples/{name}.rs"))).expect("copy program");
    }
    let out = support::cargo_in_scratch_workspace(
        &ws,
        &["confluent-cloud".to_string()],
        &["build", "--examples", "--message-format=short"],
    );
    assert!(out.status.success(), "the programs must compile:\n{}", String::from_utf8_lossy(&out.stderr));
    support::target_dir().join("debug/examples")
}

// ---- the scenarios ----------------------------------------------------------------------------

fn list_accounts_follows_every_page(bin: &Path) {
    let mock = Mock::start(|base| {
        move |req: &Request, _earlier: &[Request]| match (req.method.as_str(), req.path()) {
            ("GET", "/service_accounts") => Reply::json(
                200,
                r#"{"users":[{"id":101,"resource_id":"sa-abc101"},{"id":102,"resource_id":"sa-abc102"}]}"#,
            ),
            ("GET", "/iam/v2/api-keys") => {
                // Three pages; `next` is an absolute URL, as Confluent sends it.
                let (keys, next) = match req.query("page_token").as_deref() {
                    None => (vec![("KEY1", "sa-abc101"), ("KEY2", "sa-abc101")], Some("tok2")),
                    Some("tok2") => (vec![("KEY3", "sa-abc102"), ("KEY4", "u-xyz")], Some("tok3")),
                    Some("tok3") => (vec![("KEY5", "sa-abc102")], None),
                    Some(other) => return Reply::json(400, &failure("400", &format!("bad page token {other}"))),
                };
                Reply::json(200, &api_key_page(&base, &keys, next))
            }
            _ => Reply::json(404, &failure("404", "no such route")),
        }
    });
    let out = run(bin, &[], &mock);
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "service-account 101 sa-abc101",
            "service-account 102 sa-abc102",
            "api-key KEY1 owner=sa-abc101 name=key KEY1",
            "api-key KEY2 owner=sa-abc101 name=key KEY2",
            "api-key KEY3 owner=sa-abc102 name=key KEY3",
            "api-key KEY4 owner=u-xyz name=key KEY4",
            "api-key KEY5 owner=sa-abc102 name=key KEY5",
            "2 service accounts, 5 API keys",
        ]
    );
    let requests = mock.requests();
    let seen: Vec<(String, Option<String>)> =
        requests.iter().map(|r| (r.path().to_string(), r.query("page_token"))).collect();
    assert_eq!(
        seen,
        [
            ("/service_accounts".into(), None),
            ("/iam/v2/api-keys".into(), None),
            ("/iam/v2/api-keys".into(), Some("tok2".into())),
            ("/iam/v2/api-keys".into(), Some("tok3".into())),
        ]
    );
    // The page size the program asked for is kept on every page, not only the first.
    assert!(requests[1..].iter().all(|r| r.query("page_size").as_deref() == Some("100")), "{requests:#?}");
    assert_authorized(&requests);
}

fn create_cluster_waits_out_a_429(bin: &Path) {
    let mock = Mock::start(|_| {
        |req: &Request, earlier: &[Request]| match (req.method.as_str(), req.path()) {
            ("POST", "/cmk/v2/clusters") if earlier.is_empty() => Reply::json(429, "")
                .header("Retry-After", "1")
                .header("X-Request-Id", "req-429"),
            ("POST", "/cmk/v2/clusters") => Reply::json(202, &cluster("lkc-new01", &body_name(req), "PROVISIONING")),
            _ => Reply::json(404, &failure("404", "no such route")),
        }
    });
    let out = run(bin, &["env-abc123", "orders"], &mock);
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        ["rate limited; waiting 1 s as the server asked", "created cluster orders: lkc-new01 (PROVISIONING)"]
    );
    let requests = mock.requests();
    assert_eq!(requests.len(), 2, "one 429, one success: {requests:#?}");
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(950), "the retry came {waited:?} after the 429, before Retry-After: 1");
    assert_eq!(requests[0].body, requests[1].body, "the retry sends the same cluster");
    let body: serde_json::Value = serde_json::from_str(&requests[0].body).expect("JSON body");
    assert_eq!(
        body,
        serde_json::json!({"spec": {
            "display_name": "orders",
            "availability": "SINGLE_ZONE",
            "cloud": "AWS",
            "region": "us-east-2",
            "config": {"kind": "Basic"},
            "deletion_protection": true,
            "environment": {"id": "env-abc123"},
        }})
    );
    assert!(requests[0].header("content-type").is_some_and(|v| v.starts_with("application/json")), "{requests:#?}");
    assert_authorized(&requests);
}

fn create_cluster_takes_a_409_as_done(bin: &Path) {
    let mock = Mock::start(|_| {
        |req: &Request, _: &[Request]| match (req.method.as_str(), req.path()) {
            ("POST", "/cmk/v2/clusters") => Reply::json(
                409,
                &failure("409", &format!("a cluster named {} already exists in this environment", body_name(req))),
            ),
            _ => Reply::json(404, &failure("404", "no such route")),
        }
    });
    let out = run(bin, &["env-abc123", "payments"], &mock);
    assert_success(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        "cluster payments already exists: a cluster named payments already exists in this environment"
    );
    assert_eq!(mock.requests().len(), 1, "a 409 is not retried");
}

fn rotate_key_creates_then_deletes(bin: &Path) {
    let mock = Mock::start(|_| {
        |req: &Request, _: &[Request]| match (req.method.as_str(), req.path()) {
            ("GET", "/iam/v2/api-keys/OLDKEY1") => Reply::json(200, &api_key("OLDKEY1", "ci-producer", "sa-abc101", Some(("lkc-abc", "env-1")), None)),
            ("POST", "/iam/v2/api-keys") => Reply::json(202, &api_key("NEWKEY2", "ci-producer", "sa-abc101", Some(("lkc-abc", "env-1")), Some("s3cr3t-NEW"))),
            ("DELETE", "/iam/v2/api-keys/OLDKEY1") => Reply::empty(204),
            _ => Reply::json(404, &failure("404", "no such route")),
        }
    });
    let out = run(bin, &["OLDKEY1"], &mock);
    assert_success(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().collect::<Vec<_>>(),
        ["new key NEWKEY2", "new secret s3cr3t-NEW", "deleted old key OLDKEY1"]
    );
    let requests = mock.requests();
    let calls: Vec<String> = requests.iter().map(|r| format!("{} {}", r.method, r.target)).collect();
    assert_eq!(calls, ["GET /iam/v2/api-keys/OLDKEY1", "POST /iam/v2/api-keys", "DELETE /iam/v2/api-keys/OLDKEY1"]);
    let body: serde_json::Value = serde_json::from_str(&requests[1].body).expect("JSON body");
    assert_eq!(
        body,
        serde_json::json!({"spec": {
            "display_name": "ci-producer",
            "description": "rotated from OLDKEY1",
            "owner": {"id": "sa-abc101"},
            "resource": {"id": "lkc-abc", "environment": "env-1"},
        }}),
        "the new key has the old one's owner and cluster"
    );
    assert_authorized(&requests);
}

fn rotate_key_of_a_missing_key_changes_nothing(bin: &Path) {
    let mock = Mock::start(|_| {
        |req: &Request, _: &[Request]| match req.method.as_str() {
            "GET" => Reply::json(404, &failure("404", "API key not found")),
            _ => Reply::json(500, &failure("500", "the program must not get this far")),
        }
    });
    let out = run(bin, &["NOSUCHKEY"], &mock);
    assert!(!out.status.success(), "a missing key is a failure: {out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no API key NOSUCHKEY"), "{out:?}");
    let calls: Vec<String> = mock.requests().iter().map(|r| format!("{} {}", r.method, r.target)).collect();
    assert_eq!(calls, ["GET /iam/v2/api-keys/NOSUCHKEY"], "nothing created, nothing deleted");
}

// ---- response bodies shaped like Confluent's --------------------------------------------------

fn failure(status: &str, detail: &str) -> String {
    serde_json::json!({"errors": [{"status": status, "detail": detail}]}).to_string()
}

fn api_key(id: &str, name: &str, owner: &str, resource: Option<(&str, &str)>, secret: Option<&str>) -> String {
    let mut spec = serde_json::json!({
        "display_name": name,
        "owner": {"id": owner, "related": format!("https://api.confluent.cloud/iam/v2/service-accounts/{owner}"),
                  "resource_name": format!("crn://confluent.cloud/service-account={owner}")},
    });
    if let Some((cluster, env)) = resource {
        spec["resource"] = serde_json::json!({"id": cluster, "environment": env,
            "related": format!("https://api.confluent.cloud/cmk/v2/clusters/{cluster}"),
            "resource_name": format!("crn://confluent.cloud/environment={env}/cloud-cluster={cluster}")});
    }
    if let Some(secret) = secret {
        spec["secret"] = serde_json::json!(secret);
    }
    serde_json::json!({
        "api_version": "iam/v2",
        "kind": "ApiKey",
        "id": id,
        "metadata": {"self": format!("https://api.confluent.cloud/iam/v2/api-keys/{id}"),
                     "created_at": "2024-05-01T10:00:00Z"},
        "spec": spec,
    })
    .to_string()
}

fn api_key_page(base: &str, keys: &[(&str, &str)], next: Option<&str>) -> String {
    let data: Vec<serde_json::Value> =
        keys.iter().map(|(id, owner)| serde_json::from_str(&api_key(id, &format!("key {id}"), owner, None, None)).expect("key JSON")).collect();
    let mut metadata = serde_json::json!({"first": format!("{base}/iam/v2/api-keys?page_size=100"), "total_size": 5});
    if let Some(token) = next {
        metadata["next"] = serde_json::json!(format!("{base}/iam/v2/api-keys?page_size=100&page_token={token}"));
    }
    serde_json::json!({"api_version": "iam/v2", "kind": "ApiKeyList", "metadata": metadata, "data": data}).to_string()
}

fn cluster(id: &str, name: &str, phase: &str) -> String {
    serde_json::json!({
        "api_version": "cmk/v2",
        "kind": "Cluster",
        "id": id,
        "metadata": {"self": format!("https://api.confluent.cloud/cmk/v2/clusters/{id}")},
        "spec": {"display_name": name, "availability": "SINGLE_ZONE", "cloud": "AWS", "region": "us-east-2",
                 "config": {"kind": "Basic"},
                 "environment": {"id": "env-abc123", "related": "https://api.confluent.cloud/org/v2/environments/env-abc123",
                                 "resource_name": "crn://confluent.cloud/environment=env-abc123"}},
        "status": {"phase": phase},
    })
    .to_string()
}

fn body_name(req: &Request) -> String {
    let body: serde_json::Value = serde_json::from_str(&req.body).unwrap_or_default();
    body["spec"]["display_name"].as_str().unwrap_or("?").to_string()
}

// ---- running a program ------------------------------------------------------------------------

fn run(bin: &Path, args: &[&str], mock: &Mock) -> Output {
    let mut cmd = std::process::Command::new(bin);
    // reqwest honours the proxy variables, and a proxy cannot reach the mock on 127.0.0.1.
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(var);
    }
    cmd.args(args)
        .env("CONFLUENT_CLOUD_BASE_URL", &mock.url)
        .env("CONFLUENT_CLOUD_API_KEY", KEY)
        .env("CONFLUENT_CLOUD_API_SECRET", SECRET)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", bin.display()))
}

fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn assert_authorized(requests: &[Request]) {
    for r in requests {
        assert_eq!(r.header("authorization"), Some(AUTHORIZATION), "{} {} lacks the credentials", r.method, r.target);
    }
}

// ---- the mock server --------------------------------------------------------------------------

/// One request as the mock received it.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    /// Path and query, as sent.
    target: String,
    /// Header names lowercased.
    headers: Vec<(String, String)>,
    body: String,
    at: Instant,
}

impl Request {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    fn query(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Reply {
    fn json(status: u16, body: &str) -> Self {
        let headers = if body.is_empty() { vec![] } else { vec![("Content-Type", "application/json".to_string())] };
        Reply { status, headers, body: body.to_string() }
    }

    fn empty(status: u16) -> Self {
        Reply { status, headers: vec![], body: String::new() }
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// A std-only HTTP/1.1 server on 127.0.0.1: one thread per connection, one request per
/// connection (`Connection: close`), so no keep-alive bookkeeping. Its threads end with the test
/// process.
struct Mock {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Mock {
    /// `make` gets the server's base URL (for absolute `next` links) and returns the router,
    /// which sees each request and the ones before it (for "a 429, then a success").
    fn start<R>(make: impl FnOnce(String) -> R) -> Mock
    where
        R: Fn(&Request, &[Request]) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind mock");
        let url = format!("http://{}", listener.local_addr().expect("mock address"));
        let route = Arc::new(make(url.clone()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (route, log) = (route.clone(), log.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &*route, &log);
                });
            }
        });
        Mock { url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("request log").clone()
    }
}

fn serve(stream: TcpStream, route: &dyn Fn(&Request, &[Request]) -> Reply, log: &Mutex<Vec<Request>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default().to_string(), parts.next().unwrap_or_default().to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length: usize = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let request = Request { method, target, headers, body: String::from_utf8_lossy(&body).into_owned(), at: Instant::now() };
    // The router runs under the lock, so "the requests before this one" is exact even when the
    // client opens connections in parallel.
    let reply = {
        let mut log = log.lock().expect("request log");
        let reply = route(&request, &log);
        log.push(request);
        reply
    };
    let mut out = format!("HTTP/1.1 {} Mock\r\nContent-Length: {}\r\nConnection: close\r\n", reply.status, reply.body.len());
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&reply.body);
    let mut stream = stream;
    stream.write_all(out.as_bytes())?;
    stream.flush()
}
