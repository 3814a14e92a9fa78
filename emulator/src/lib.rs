//! In-memory PhotoPrism emulator.
