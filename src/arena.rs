//! The `kickoff` binary's allocator: its first allocations come from a fixed arena, and the
//! rest from the system allocator. `kickoff check` and `render` are whole processes of a few
//! milliseconds that allocate a few thousand small blocks while they load the built-in files
//! (most of them kept to the end); glibc's `malloc` and `free` were a fifth of their
//! instructions. An arena block costs an atomic add, and freeing it nothing; the last block
//! handed out is given back when it is freed (a temporary) and grows in place.
//!
//! The arena is never returned to the system, so a long session (the TUI, a `check` of a
//! thousand plans) holds at most its size beyond what the system allocator would; once it is
//! used up, every allocation goes to the system allocator as usual.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The largest block served from the arena: bigger ones are few, and the system allocator
/// maps them as it likes.
const MAX_BLOCK: usize = 16 << 10;
/// The arena's alignment, and the largest alignment it serves.
const ALIGN: usize = 64;

/// An arena of `N` bytes in front of the system allocator.
#[repr(C, align(64))]
pub struct Arena<const N: usize> {
    /// The offset of the first free byte, on a cache line of its own: every allocation of
    /// every thread reads it.
    next: AtomicUsize,
    _line: [u8; ALIGN - size_of::<AtomicUsize>()],
    memory: UnsafeCell<[u8; N]>,
}

// SAFETY: the memory is only handed out in disjoint blocks, reserved by atomic updates of
// `next`; each block belongs to whoever allocated it until it is freed.
unsafe impl<const N: usize> Sync for Arena<N> {}

impl<const N: usize> Arena<N> {
    /// An empty arena; in a `static`, its memory is in the zero-filled part of the binary, and
    /// a page is only made when it is first used.
    pub const fn new() -> Self {
        Arena {
            next: AtomicUsize::new(0),
            _line: [0; ALIGN - size_of::<AtomicUsize>()],
            memory: UnsafeCell::new([0; N]),
        }
    }

    fn base(&self) -> *mut u8 {
        self.memory.get().cast()
    }

    /// The offset of `ptr` in the arena, if it is one of its blocks.
    fn offset_of(&self, ptr: *mut u8) -> Option<usize> {
        let offset = (ptr as usize).wrapping_sub(self.base() as usize);
        (offset < N).then_some(offset)
    }

    /// Reserves `size` bytes aligned to `align` at the end of the used part.
    fn reserve(&self, size: usize, align: usize) -> Option<*mut u8> {
        if size > MAX_BLOCK || align > ALIGN {
            return None;
        }
        let mut next = self.next.load(Relaxed);
        loop {
            let start = next.checked_add(align - 1)? & !(align - 1);
            let end = start.checked_add(size).filter(|&end| end <= N)?;
            match self.next.compare_exchange_weak(next, end, Relaxed, Relaxed) {
                // SAFETY: `start + size <= N`, inside the arena.
                Ok(_) => return Some(unsafe { self.base().add(start) }),
                Err(now) => next = now,
            }
        }
    }

    /// Moves the end of the used part from `from` to `to`, if it is still at `from` (the block
    /// ending there is the last one handed out).
    fn move_end(&self, from: usize, to: usize) -> bool {
        self.next
            .compare_exchange(from, to, Relaxed, Relaxed)
            .is_ok()
    }

    /// How many bytes of the arena are in use (or were, and are not given back).
    pub fn used(&self) -> usize {
        self.next.load(Relaxed)
    }
}

impl<const N: usize> Default for Arena<N> {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: blocks from the arena are disjoint, aligned as asked and inside it; a block is only
// given back or grown in place while it is the last one, by one atomic update of `next`; any
// other block goes to and comes from the system allocator, which is told only of its own.
unsafe impl<const N: usize> GlobalAlloc for Arena<N> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.reserve(layout.size(), layout.align()) {
            Some(ptr) => ptr,
            // SAFETY: the caller's layout, passed on.
            None => unsafe { System.alloc(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match self.offset_of(ptr) {
            // The last block is given back; any other stays used.
            Some(start) => {
                self.move_end(start + layout.size(), start);
            }
            // SAFETY: not the arena's, so the system allocator's, with this layout.
            None => unsafe { System.dealloc(ptr, layout) },
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(start) = self.offset_of(ptr) else {
            // SAFETY: the system allocator's block, with the caller's layout and size.
            return unsafe { System.realloc(ptr, layout, new_size) };
        };
        let end = start + layout.size();
        if new_size <= MAX_BLOCK && start + new_size <= N {
            // A block shrinks where it is (the last one gives back its tail), and the last one
            // grows where it is.
            if new_size <= layout.size() {
                self.move_end(end, start + new_size);
                return ptr;
            }
            if self.move_end(end, start + new_size) {
                return ptr;
            }
        }
        // SAFETY: `new_size` is non-zero and valid for the alignment (the caller's promise).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as for any allocation; the old block is valid for `layout.size()` bytes.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_inside() {
        let arena = Box::new(Arena::<4096>::new());
        let a = unsafe { arena.alloc(layout(3, 1)) };
        let b = unsafe { arena.alloc(layout(8, 8)) };
        let c = unsafe { arena.alloc(layout(40, 32)) };
        assert!(arena.offset_of(a).is_some() && arena.offset_of(c).is_some());
        assert_eq!(b as usize % 8, 0);
        assert_eq!(c as usize % 32, 0);
        assert!(b as usize >= a as usize + 3 && c as usize >= b as usize + 8);
        assert_eq!(arena.used(), arena.offset_of(c).unwrap() + 40);
    }

    #[test]
    fn the_last_block_is_given_back_and_grows_in_place() {
        let arena = Box::new(Arena::<4096>::new());
        let a = unsafe { arena.alloc(layout(16, 8)) };
        let b = unsafe { arena.alloc(layout(16, 8)) };
        let used = arena.used();
        // `b` is the last: it grows where it is, then shrinks.
        let b2 = unsafe { arena.realloc(b, layout(16, 8), 100) };
        assert_eq!(b2, b);
        assert_eq!(arena.used(), used + 84);
        assert_eq!(unsafe { arena.realloc(b, layout(100, 8), 10) }, b);
        assert_eq!(arena.used(), used - 6);
        // `a` is not the last: growing moves it, keeping its bytes.
        unsafe { a.write_bytes(7, 16) };
        let a2 = unsafe { arena.realloc(a, layout(16, 8), 32) };
        assert_ne!(a2, a);
        assert_eq!(unsafe { std::slice::from_raw_parts(a2, 16) }, &[7; 16]);
        // Freeing the last block gives it back; freeing another one does not.
        let used = arena.used();
        unsafe { arena.dealloc(a2, layout(32, 8)) };
        assert_eq!(arena.used(), used - 32);
        unsafe { arena.dealloc(b, layout(10, 8)) };
        assert_eq!(arena.used(), used - 32);
    }

    #[test]
    fn big_blocks_and_a_full_arena_go_to_the_system() {
        let arena = Box::new(Arena::<4096>::new());
        let big = unsafe { arena.alloc(layout(MAX_BLOCK + 1, 8)) };
        assert!(!big.is_null() && arena.offset_of(big).is_none());
        unsafe { arena.dealloc(big, layout(MAX_BLOCK + 1, 8)) };
        let aligned = unsafe { arena.alloc(layout(8, 4096)) };
        assert!(arena.offset_of(aligned).is_none());
        unsafe { arena.dealloc(aligned, layout(8, 4096)) };
        let most = unsafe { arena.alloc(layout(4000, 8)) };
        assert!(arena.offset_of(most).is_some());
        let over = unsafe { arena.alloc(layout(200, 8)) };
        assert!(!over.is_null() && arena.offset_of(over).is_none());
        // A block grown past the arena's end moves to the system allocator.
        unsafe { most.write_bytes(1, 4000) };
        let moved = unsafe { arena.realloc(most, layout(4000, 8), 5000) };
        assert!(arena.offset_of(moved).is_none());
        assert_eq!(
            unsafe { std::slice::from_raw_parts(moved, 4000) },
            &[1; 4000]
        );
        unsafe {
            arena.dealloc(moved, layout(5000, 8));
            arena.dealloc(over, layout(200, 8));
        }
    }

    #[test]
    fn threads_get_disjoint_blocks() {
        static ARENA: Arena<{ 1 << 16 }> = Arena::new();
        let blocks: Vec<Vec<usize>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        (0..200)
                            .map(|_| unsafe { ARENA.alloc(layout(24, 8)) } as usize)
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut all: Vec<usize> = blocks.into_iter().flatten().collect();
        all.sort();
        assert_eq!(all.len(), 800);
        assert!(
            all.windows(2).all(|w| w[1] - w[0] >= 24),
            "overlapping blocks"
        );
    }
}
