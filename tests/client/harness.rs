//! A test target: the emulator (either API generation) or a real server from the environment.
//! Tests create everything they touch under a unique title prefix and clean up at the end.

use std::sync::Mutex;
use std::time::Duration;

use prysm::photoprism::{
    Client, ClientOptions, Credentials, RetryPolicy, ServerUrl, TextField, UploadFile,
};
use prysm_emulator::{ApiGeneration, Emulator, EmulatorOptions, PhotoSeed};

use crate::png;

/// Client options with quick retries so fault tests stay fast.
pub fn test_options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(50),
        },
        ..ClientOptions::default()
    }
}

/// A logged-in client and the server behind it.
pub struct Harness {
    pub client: Client,
    pub emulator: Option<Emulator>,
    pub server: ServerUrl,
    pub username: String,
    pub password: String,
    pub prefix: String,
    albums: Mutex<Vec<String>>,
    photos: Mutex<Vec<String>>,
}

fn random_suffix() -> String {
    format!("{:08x}", rand::random::<u32>())
}

impl Harness {
    /// A fresh emulator of `generation`, logged in as its admin.
    pub async fn emulated(generation: ApiGeneration) -> Harness {
        let options = EmulatorOptions {
            generation,
            ..EmulatorOptions::default()
        };
        let (username, password) = (options.username.clone(), options.password.clone());
        let emulator = Emulator::start(options).await.expect("emulator starts");
        let server = ServerUrl::parse(&emulator.url()).unwrap();
        let client = Client::connect(
            server.clone(),
            test_options(),
            &Credentials::password(username.clone(), password.clone()),
        )
        .await
        .expect("login to the emulator");
        Harness {
            client,
            emulator: Some(emulator),
            server,
            username,
            password,
            prefix: format!("prysm-test-{}", random_suffix()),
            albums: Mutex::new(Vec::new()),
            photos: Mutex::new(Vec::new()),
        }
    }

    /// The real server named by `PRYSM_TEST_URL`, `PRYSM_TEST_USERNAME`, `PRYSM_TEST_PASSWORD`.
    pub async fn real() -> Option<Harness> {
        let url = std::env::var("PRYSM_TEST_URL").ok()?;
        let username = std::env::var("PRYSM_TEST_USERNAME").ok()?;
        let password = std::env::var("PRYSM_TEST_PASSWORD").ok()?;
        let server = ServerUrl::parse(&url).expect("PRYSM_TEST_URL is a server URL");
        let client = Client::connect(
            server.clone(),
            test_options(),
            &Credentials::password(username.clone(), password.clone()),
        )
        .await
        .expect("login to the real server");
        Some(Harness {
            client,
            emulator: None,
            server,
            username,
            password,
            prefix: format!("prysm-test-{}", random_suffix()),
            albums: Mutex::new(Vec::new()),
            photos: Mutex::new(Vec::new()),
        })
    }

    /// The emulator (tests that inject faults or inspect state need it).
    pub fn emu(&self) -> &Emulator {
        self.emulator
            .as_ref()
            .expect("an emulator-only check ran on a real server")
    }

    /// The photo text key of this target.
    pub fn text_field(&self) -> TextField {
        self.client.server_info().generation
    }

    /// A unique album title with the test prefix.
    pub fn title(&self, name: &str) -> String {
        format!("{} {name}", self.prefix)
    }

    /// Remembers an album for cleanup.
    pub fn track_album(&self, uid: &str) {
        self.albums.lock().unwrap().push(uid.to_owned());
    }

    /// Remembers a photo for cleanup.
    pub fn track_photo(&self, uid: &str) {
        self.photos.lock().unwrap().push(uid.to_owned());
    }

    /// Creates `n` photos of this test's own: seeded in the emulator, uploaded to a real server.
    pub async fn photos(&self, n: usize) -> Vec<String> {
        let uids: Vec<String> = match &self.emulator {
            Some(emulator) => (0..n)
                .map(|i| {
                    emulator.seed_photo(PhotoSeed {
                        title: format!("{} photo {i}", self.prefix),
                        taken_at: format!("2024-07-{:02}T10:00:00Z", i % 28 + 1),
                        ..PhotoSeed::default()
                    })
                })
                .collect(),
            None => {
                let files: Vec<UploadFile> = (0..n)
                    .map(|i| {
                        UploadFile::from_bytes(
                            format!("{}-{i}.png", self.prefix),
                            png::image(256, rand::random()),
                        )
                    })
                    .collect();
                let photos = self.client.upload(&files, &[]).await.expect("upload");
                photos.into_iter().map(|p| p.uid).collect()
            }
        };
        self.photos.lock().unwrap().extend(uids.iter().cloned());
        uids
    }

    /// Deletes what the test created (a no-op for the emulator, which is dropped anyway).
    pub async fn cleanup(self) {
        if self.emulator.is_some() {
            return;
        }
        let albums = self.albums.lock().unwrap().clone();
        for uid in albums {
            let _ = self.client.purge_album(&uid).await;
        }
        let photos = self.photos.lock().unwrap().clone();
        if !photos.is_empty() {
            let _ = self.client.archive_photos(&photos).await;
            let _ = self.client.delete_photos(&photos).await;
        }
        let _ = self.client.logout().await;
    }
}

/// The generations the emulator suite runs against.
pub const GENERATIONS: [ApiGeneration; 2] = [ApiGeneration::V2024, ApiGeneration::V2025];
