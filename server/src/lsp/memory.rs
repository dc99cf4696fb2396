//! Memory given back once a large document goes.
//!
//! A document of many megabytes costs hundreds of megabytes while it is
//! open (its text, its model, the answers about it). Freed, that memory
//! stayed with the process: mimalloc (the binary's allocator) purges freed
//! memory only after a delay, and only when some later allocation or
//! collection on the thread that owns it comes by, which a quiet server
//! never does; freed blocks of a thread that is now idle (a blocking
//! thread that built an answer) wait for that thread; and tree-sitter
//! allocates through the C library's `malloc`, which keeps freed memory
//! at the top of its heaps. So, while any document of [`LARGE`] bytes or
//! more is open, mimalloc purges at once, and when the last one goes every
//! thread is asked to collect and the C heap is trimmed.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Documents this large switch on immediate purging while open.
pub const LARGE: usize = 4 << 20;

/// `mi_option_purge_delay` (the same index in mimalloc v2 and v3, which
/// the `libmimalloc-sys` bindings do not name).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Whether a large document is open.
static OPEN: AtomicBool = AtomicBool::new(false);

/// Bumped each time memory is to be given back; each runtime worker
/// collects once it parks and sees a number it has not collected for.
static EPOCH: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static SEEN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The purge delay mimalloc had before large documents came.
static DEFAULT_DELAY: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(i64::MIN);

fn set_delay(delay: i64) {
    // SAFETY: a plain call into mimalloc's option table, which it reads
    // atomically.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay as _) };
}

/// Tells whether any document of [`LARGE`] bytes or more is open now.
pub fn large_open(open: bool) {
    let was = OPEN.swap(open, Ordering::SeqCst);
    if open && !was {
        // SAFETY: as in `set_delay`.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        let _ = DEFAULT_DELAY.compare_exchange(
            i64::MIN,
            delay as i64,
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
        set_delay(0);
    } else if was && !open {
        give_back();
    }
}

/// Has every thread of the process collect, now and once more a little
/// later (views of the old text held by requests and diagnostics still
/// running are dropped meanwhile), then restores the purge delay unless a
/// large document came again.
fn give_back() {
    everywhere();
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    rt.spawn(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        everywhere();
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !OPEN.load(Ordering::SeqCst) {
            let delay = DEFAULT_DELAY.load(Ordering::SeqCst);
            if delay != i64::MIN {
                set_delay(delay);
            }
        }
    });
}

/// Gives back what reading every root left free: each root's text was
/// read, summarised and dropped on the reader pool's threads.
pub fn after_index() {
    rayon::broadcast(|_| collect());
    everywhere();
}

/// Collects on this thread and has the others collect soon: runtime
/// workers when they park ([`on_park`]), blocking threads through short
/// tasks that keep one thread each busy for a while (so that they land on
/// distinct threads, idle ones first).
fn everywhere() {
    EPOCH.fetch_add(1, Ordering::SeqCst);
    collect();
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let threads = std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(8)
        .min(64);
    for _ in 0..threads {
        rt.spawn_blocking(|| {
            collect();
            std::thread::sleep(Duration::from_millis(20));
        });
    }
}

/// Frees what this thread's mimalloc heap holds unused, purges mimalloc's
/// free memory, and trims the C library's heaps.
fn collect() {
    SEEN.with(|s| s.set(EPOCH.load(Ordering::SeqCst)));
    // SAFETY: `mi_collect` and `malloc_trim` only release free memory.
    unsafe { libmimalloc_sys::mi_collect(true) };
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
}

/// For the runtime's `on_thread_park`: collects once per [`everywhere`].
pub fn on_park() {
    if SEEN.with(|s| s.get()) != EPOCH.load(Ordering::Relaxed) {
        collect();
    }
}
