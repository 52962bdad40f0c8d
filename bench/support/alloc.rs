//! The allocator `gradtrace` itself runs with (src/main.rs), so the benches measure the same.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
