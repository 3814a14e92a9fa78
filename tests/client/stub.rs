//! A scripted HTTP/1.1 server on 127.0.0.1 for edge cases the emulator does not model:
//! it answers each request with the next scripted reply and records what it received.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One scripted reply.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, extra headers, body.
    Http(u16, Vec<(&'static str, String)>, String),
    /// Close the connection without answering.
    Drop,
    /// Keep the connection open without answering (for timeouts).
    Hang,
    /// Send these bytes as they are, then close (or, with `hang`, keep the connection open).
    Raw(Vec<u8>, bool),
    /// A 200 with a chunked body that never ends: a chunk of `x` every few milliseconds.
    Endless,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Http(
            status,
            vec![("Content-Type", "application/json; charset=utf-8".to_owned())],
            body.to_owned(),
        )
    }
}

/// A request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The running stub.
pub struct Stub {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Stub {
    /// Serves `script` in order; once it is used up every request gets a 599.
    pub async fn start(script: Vec<Reply>) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let script = Arc::new(Mutex::new(script.into_iter()));
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let Some(request) = read_request(&mut socket).await else {
                    continue;
                };
                log.lock().unwrap().push(request);
                let reply = script
                    .lock()
                    .unwrap()
                    .next()
                    .unwrap_or_else(|| Reply::json(599, r#"{"error":"script exhausted"}"#));
                match reply {
                    Reply::Drop => drop(socket),
                    Reply::Hang => {
                        tokio::spawn(async move {
                            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                            drop(socket);
                        });
                    }
                    Reply::Raw(bytes, hang) => {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.flush().await;
                        if hang {
                            tokio::spawn(async move {
                                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                                drop(socket);
                            });
                        } else {
                            let _ = socket.shutdown().await;
                        }
                    }
                    Reply::Endless => {
                        tokio::spawn(async move {
                            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                                        Transfer-Encoding: chunked\r\n\r\n";
                            if socket.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = format!("{:x}\r\n{}\r\n", 4096, "x".repeat(4096));
                            for _ in 0..100_000 {
                                if socket.write_all(chunk.as_bytes()).await.is_err() {
                                    return;
                                }
                                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                            }
                        });
                    }
                    Reply::Http(status, headers, body) => {
                        let mut head = format!("HTTP/1.1 {status} Stub\r\nConnection: close\r\n");
                        for (name, value) in headers {
                            head.push_str(&format!("{name}: {value}\r\n"));
                        }
                        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                        let _ = socket.write_all(head.as_bytes()).await;
                        let _ = socket.write_all(body.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    }
                }
            }
        });
        Stub {
            url,
            received,
            task,
        }
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        let n = socket.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut buffer).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buffer[..n]);
    }
    Some(Received {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
