//! A lying registry: a tiny HTTP/1.1 server on raw TCP, so a test controls every byte of
//! every answer — wrong lengths, endless bodies, trickles — which no real registry and no
//! well-behaved HTTP library will produce on cue.
//!
//! It runs on its own tokio runtime in a background thread (tests may call the `sigil` binary
//! synchronously meanwhile), answers each request with whatever the test's handler says,
//! closes the connection after every answer, and logs what it received and how the answer
//! went. Anything that does not start like an HTTP request (sigil's HTTPS probe) is hung up on.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Filler blocks of a flood: whitespace, so even a valid JSON prefix stays "valid" forever.
const BLOCK: usize = 1 << 20;
/// A flood stops here even if the client never hangs up (the test then sees `hung_up: false`).
const FLOOD_CAP: u64 = 1 << 30;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query as sent, e.g. `/v2/app/tags/list?n=1000`.
    pub target: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has_auth(&self) -> bool {
        self.header("authorization").is_some()
    }

    /// The target without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path() == path
    }
}

/// How a flood says how long it is.
#[derive(Debug, Clone, Copy)]
pub enum Framing {
    Chunked,
    /// No length at all: the body ends when the connection does.
    UntilClose,
    /// A Content-Length (typically enormous) that the filler tries to live up to.
    Declared(u64),
}

/// What the body of an answer does.
#[derive(Debug, Clone)]
pub enum Body {
    /// These bytes, with a truthful Content-Length.
    Full(Vec<u8>),
    /// These bytes under a Content-Length of `declared` (more or fewer), then close.
    Lie { bytes: Vec<u8>, declared: u64 },
    /// Mebibyte after mebibyte of spaces until the client hangs up.
    Flood(Framing),
    /// These bytes (truthful Content-Length), `piece` bytes at a time with `pause` between.
    Trickle {
        bytes: Vec<u8>,
        piece: usize,
        pause: Duration,
    },
}

/// A handler's answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Reply {
    /// A status with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Full(Vec::new()),
        }
    }

    pub fn not_found() -> Reply {
        Reply::status(404)
            .header("Content-Type", "application/json")
            .body(Body::Full(
                br#"{"errors":[{"code":"NOT_FOUND","message":"liar"}]}"#.to_vec(),
            ))
    }

    /// 200 with these bytes as `content_type`.
    pub fn ok(content_type: &str, bytes: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200)
            .header("Content-Type", content_type)
            .body(Body::Full(bytes.into()))
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn body(mut self, body: Body) -> Reply {
        self.body = body;
        self
    }
}

/// One request and how its answer went.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: Request,
    pub status: u16,
    /// Body bytes written before the answer ended or the client hung up.
    pub body_sent: u64,
    /// The client closed the connection before the whole body was written.
    pub hung_up: bool,
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;
type Log = Arc<Mutex<Vec<Exchange>>>;

/// A running liar; stopped (connections and all) when dropped.
pub struct Liar {
    addr: SocketAddr,
    log: Log,
    active: Arc<AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Liar {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Liar {
        Liar::start_at("127.0.0.1", handler)
    }

    /// A liar on another loopback address (`127.0.0.2`: another host as far as URLs go).
    pub fn start_at(ip: &str, handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Liar {
        let listener =
            std::net::TcpListener::bind((ip, 0)).unwrap_or_else(|e| panic!("bind {ip}:0: {e}"));
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Log::default();
        let active = Arc::new(AtomicUsize::new(0));
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let (log2, active2) = (log.clone(), active.clone());
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let guard = Active::new(&active2);
                            tokio::spawn(serve(stream, handler.clone(), log2.clone(), guard));
                        }
                    }
                }
            });
        });
        Liar {
            addr,
            log,
            active,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `IP:PORT`, to put in image references.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Everything received so far, once no answer is still being written (at most 5 s wait).
    pub fn log(&self) -> Vec<Exchange> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.log.lock().unwrap().clone()
    }

    /// The logged requests with this method whose path starts with `prefix`.
    pub fn requests(&self, method: &str, prefix: &str) -> Vec<Request> {
        self.log()
            .into_iter()
            .map(|e| e.request)
            .filter(|r| r.method == method && r.path().starts_with(prefix))
            .collect()
    }
}

impl Drop for Liar {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Counts a connection as active until its task ends or is dropped.
struct Active(Arc<AtomicUsize>);

impl Active {
    fn new(n: &Arc<AtomicUsize>) -> Active {
        n.fetch_add(1, Ordering::SeqCst);
        Active(n.clone())
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn serve(mut s: TcpStream, handler: Arc<Handler>, log: Log, _active: Active) {
    let Ok(Some(request)) =
        tokio::time::timeout(Duration::from_secs(5), read_request(&mut s)).await
    else {
        return;
    };
    let reply = handler(&request);
    let head_only = request.method == "HEAD";
    let idx = {
        let mut log = log.lock().unwrap();
        log.push(Exchange {
            request,
            status: reply.status,
            body_sent: 0,
            hung_up: false,
        });
        log.len() - 1
    };
    let (body_sent, hung_up) = write_reply(&mut s, reply, head_only).await;
    if let Some(e) = log.lock().unwrap().get_mut(idx) {
        e.body_sent = body_sent;
        e.hung_up = hung_up;
    }
    let _ = s.shutdown().await;
}

/// Reads one request (head and Content-Length body); `None` for anything that is not HTTP.
async fn read_request(s: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        if (buf.is_empty() && !chunk[0].is_ascii_uppercase()) || buf.len() > 64 * 1024 {
            return None; // a TLS ClientHello, or garbage
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut request = Request {
        method,
        target,
        headers,
        body: buf[head_end + 4..].to_vec(),
    };
    let len: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while request.body.len() < len.min(64 << 20) {
        let n = s.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        request.body.extend_from_slice(&chunk[..n]);
    }
    Some(request)
}

/// Writes the answer; returns body bytes written and whether the client hung up first.
async fn write_reply(s: &mut TcpStream, reply: Reply, head_only: bool) -> (u64, bool) {
    let mut head = format!("HTTP/1.1 {} Liar\r\n", reply.status);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    match &reply.body {
        Body::Full(b) | Body::Trickle { bytes: b, .. } => {
            head.push_str(&format!("Content-Length: {}\r\n", b.len()))
        }
        Body::Lie { declared, .. } | Body::Flood(Framing::Declared(declared)) => {
            head.push_str(&format!("Content-Length: {declared}\r\n"))
        }
        Body::Flood(Framing::Chunked) => head.push_str("Transfer-Encoding: chunked\r\n"),
        Body::Flood(Framing::UntilClose) => {}
    }
    head.push_str("Connection: close\r\n\r\n");
    if s.write_all(head.as_bytes()).await.is_err() {
        return (0, true);
    }
    if head_only {
        return (0, false);
    }
    let mut sent = 0u64;
    let result = match reply.body {
        Body::Full(b) | Body::Lie { bytes: b, .. } => {
            let r = s.write_all(&b).await;
            sent = if r.is_ok() { b.len() as u64 } else { 0 };
            r
        }
        Body::Trickle {
            bytes,
            piece,
            pause,
        } => {
            async {
                for p in bytes.chunks(piece.max(1)) {
                    s.write_all(p).await?;
                    s.flush().await?;
                    sent += p.len() as u64;
                    tokio::time::sleep(pause).await;
                }
                Ok::<(), std::io::Error>(())
            }
            .await
        }
        Body::Flood(framing) => {
            async {
                let block = vec![b' '; BLOCK];
                let limit = match framing {
                    Framing::Declared(n) => n.min(FLOOD_CAP),
                    _ => FLOOD_CAP,
                };
                while sent < limit {
                    let n = (limit - sent).min(BLOCK as u64) as usize;
                    if let Framing::Chunked = framing {
                        s.write_all(format!("{n:x}\r\n").as_bytes()).await?;
                    }
                    s.write_all(&block[..n]).await?;
                    if let Framing::Chunked = framing {
                        s.write_all(b"\r\n").await?;
                    }
                    sent += n as u64;
                }
                Ok::<(), std::io::Error>(())
            }
            .await
        }
    };
    (sent, result.is_err())
}
