//! Tests of the PhotoPrism client (`prysm::photoprism`): recorded fixtures, a scripted stub
//! server, the emulator, and (when `PRYSM_TEST_URL` etc. are set) a real server.

mod fixtures;
mod offline;
mod stub;
