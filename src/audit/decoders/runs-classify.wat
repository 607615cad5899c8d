;; The classify pass of the encoded runs' scanner (runs-classify.ts): which bytes of a chunk are characters of one
;; family's alphabet, and where a run of at least `min` of them starts, as bit masks (bit j of 64-bit word k: byte
;; 64k + j), sixteen bytes a step with WebAssembly SIMD. Built to runs-classify-wasm.ts by scripts/runs-classify-wasm.mjs.
;;
;; Memory: 0..16 the low-nibble table, 16..32 the high-nibble table (a byte is a character when
;; LO[c & 15] & HI[c >> 4] is not 0: any table of ASCII bytes is eight products, one per high nibble; the candidates'
;; pass has its own tables up to 96, the triples' from 96 to 192), the input from 256 (its last 64-byte word padded with zeros by the caller), then
;; the members' mask and the runs' mask.
(module
  (memory (export "memory") 1)
  ;; members(input, n64, out): the members' mask of n64 words of 64 bytes from `input` into `out` (n64 + 1 words,
  ;; the last 0).
  (func (export "members") (param $in i32) (param $words i32) (param $out i32)
    (local $lo v128) (local $hi v128) (local $x v128) (local $end i32)
    (local.set $lo (v128.load (i32.const 0)))
    (local.set $hi (v128.load (i32.const 16)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $words) (i32.const 6))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $x (v128.load (local.get $in)))
        (i32.store16 (local.get $out)
          (i8x16.bitmask (i8x16.ne
            (v128.and
              (i8x16.swizzle (local.get $lo) (v128.and (local.get $x) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
              (i8x16.swizzle (local.get $hi) (i8x16.shr_u (local.get $x) (i32.const 4))))
            (v128.const i64x2 0 0))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (br $next)))
    (i64.store (local.get $out) (i64.const 0)))
  ;; andShift(at, words, s): in place, word k = word k & (the mask shifted down by s bits, 1 <= s < 64), reading
  ;; word `words` as the zero after the last.
  (func $andShift (param $at i32) (param $words i32) (param $s i64)
    (local $end i32) (local $w i64) (local $next i64)
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $words) (i32.const 3))))
    (local.set $w (i64.load (local.get $at)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $next (i64.load offset=8 (local.get $at)))
        (i64.store (local.get $at)
          (i64.and (local.get $w)
            (i64.or (i64.shr_u (local.get $w) (local.get $s))
                    (i64.shl (local.get $next) (i64.sub (i64.const 64) (local.get $s))))))
        (local.set $w (local.get $next))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (br $step))))
  ;; runs(from, to, words, min): the runs' mask into `to` (words + 1 words): bit p set when bytes p .. p + min - 1 are
  ;; all members (2 <= min <= 64). Doubling to the largest power of two p2 <= min, then one step of min - p2.
  (func (export "runs") (param $from i32) (param $to i32) (param $words i32) (param $min i32)
    (local $len i32)
    (memory.copy (local.get $to) (local.get $from) (i32.shl (i32.add (local.get $words) (i32.const 1)) (i32.const 3)))
    (local.set $len (i32.const 1))
    (block $done
      (loop $double
        (br_if $done (i32.gt_u (i32.shl (local.get $len) (i32.const 1)) (local.get $min)))
        (call $andShift (local.get $to) (local.get $words) (i64.extend_i32_u (local.get $len)))
        (local.set $len (i32.shl (local.get $len) (i32.const 1)))
        (br $double)))
    (if (i32.gt_u (local.get $min) (local.get $len))
      (then (call $andShift (local.get $to) (local.get $words) (i64.extend_i32_u (i32.sub (local.get $min) (local.get $len)))))))
  ;; candidates(input, blocks, out): the text notations' searches (text-triggers.ts) in one pass: bit j of 16-bit word k
  ;; is set when byte 16k + j is a one-byte search's (LO_S at 0, HI_S at 16, tested as `members` tests) or when the
  ;; classes of a pair search's first byte it is in (LO_A at 32, HI_A at 48: LO_A[c & 15] & HI_A[c >> 4], a bit a class)
  ;; and those its next byte may follow (LO_B at 64, HI_B at 80) share a bit. The input is read one byte past each
  ;; block (its next byte): the caller pads it with zeros past `blocks` x 16 + 1.
  (func (export "candidates") (param $in i32) (param $blocks i32) (param $out i32)
    (local $ls v128) (local $hs v128) (local $la v128) (local $ha v128) (local $lb v128) (local $hb v128)
    (local $low v128) (local $zero v128) (local $x v128) (local $y v128) (local $lx v128) (local $hx v128) (local $end i32)
    (local.set $ls (v128.load (i32.const 0)))
    (local.set $hs (v128.load (i32.const 16)))
    (local.set $la (v128.load (i32.const 32)))
    (local.set $ha (v128.load (i32.const 48)))
    (local.set $lb (v128.load (i32.const 64)))
    (local.set $hb (v128.load (i32.const 80)))
    (local.set $low (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $zero (v128.const i64x2 0 0))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $blocks) (i32.const 4))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $x (v128.load (local.get $in)))
        (local.set $y (v128.load offset=1 (local.get $in)))
        (local.set $lx (v128.and (local.get $x) (local.get $low)))
        (local.set $hx (i8x16.shr_u (local.get $x) (i32.const 4)))
        (i32.store16 (local.get $out)
          (i8x16.bitmask (i8x16.ne
            (v128.or
              (v128.and (i8x16.swizzle (local.get $ls) (local.get $lx)) (i8x16.swizzle (local.get $hs) (local.get $hx)))
              (v128.and
                (v128.and (i8x16.swizzle (local.get $la) (local.get $lx)) (i8x16.swizzle (local.get $ha) (local.get $hx)))
                (v128.and
                  (i8x16.swizzle (local.get $lb) (v128.and (local.get $y) (local.get $low)))
                  (i8x16.swizzle (local.get $hb) (i8x16.shr_u (local.get $y) (i32.const 4))))))
            (local.get $zero))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (br $next))))
  ;; triples(input, blocks, out): where a needle of several may start (embedded.ts's magic numbers): bit j of 16-bit word
  ;; k is set when the classes of byte 16k + j (LO at 96, HI at 112: LO[c & 15] & HI[c >> 4], a bit a class, any byte),
  ;; those of the byte after it (128, 144) and those of the next after (160, 176) share a bit. The input is read two bytes
  ;; past each block: the caller pads it with zeros past `blocks` x 16 + 2.
  (func (export "triples") (param $in i32) (param $blocks i32) (param $out i32)
    (local $la v128) (local $ha v128) (local $lb v128) (local $hb v128) (local $lc v128) (local $hc v128)
    (local $low v128) (local $zero v128) (local $x v128) (local $y v128) (local $z v128) (local $end i32)
    (local.set $la (v128.load (i32.const 96)))
    (local.set $ha (v128.load (i32.const 112)))
    (local.set $lb (v128.load (i32.const 128)))
    (local.set $hb (v128.load (i32.const 144)))
    (local.set $lc (v128.load (i32.const 160)))
    (local.set $hc (v128.load (i32.const 176)))
    (local.set $low (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $zero (v128.const i64x2 0 0))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $blocks) (i32.const 4))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $x (v128.load (local.get $in)))
        (local.set $y (v128.load offset=1 (local.get $in)))
        (local.set $z (v128.load offset=2 (local.get $in)))
        (i32.store16 (local.get $out)
          (i8x16.bitmask (i8x16.ne
            (v128.and
              (v128.and
                (v128.and
                  (i8x16.swizzle (local.get $la) (v128.and (local.get $x) (local.get $low)))
                  (i8x16.swizzle (local.get $ha) (i8x16.shr_u (local.get $x) (i32.const 4))))
                (v128.and
                  (i8x16.swizzle (local.get $lb) (v128.and (local.get $y) (local.get $low)))
                  (i8x16.swizzle (local.get $hb) (i8x16.shr_u (local.get $y) (i32.const 4)))))
              (v128.and
                (i8x16.swizzle (local.get $lc) (v128.and (local.get $z) (local.get $low)))
                (i8x16.swizzle (local.get $hc) (i8x16.shr_u (local.get $z) (i32.const 4)))))
            (local.get $zero))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (br $next))))
  ;; places(input, count, last, out, base, le, tri): the matcher's root places (matcher-skip.ts's rootPlaces): into
  ;; `out` (32-bit, `base` added), each j in [0, count) where the pairs' table `le` (64 KiB, by the little-endian pair
  ;; at j) says the root cannot skip the byte and the triples' filter `tri` (2,048 words of bits by hash, then 256 words
  ;; by byte) does not skip it either; gives back how many. `last`: the input's last index (a triple past it skips
  ;; nothing). Eight pairs a step, their table bytes and'ed: 1 in all (skipped), the step is over.
  (func $skipped (param $in i32) (param $j i32) (param $le i32) (result i32)
    (i32.load8_u (i32.add (local.get $le) (i32.load16_u (i32.add (local.get $in) (local.get $j))))))
  ;; Whether the byte at j is a place (its pair not skipped, nor its triple: tripleSkips).
  (func $place (param $in i32) (param $j i32) (param $last i32) (param $le i32) (param $tri i32) (result i32)
    (if (call $skipped (local.get $in) (local.get $j) (local.get $le)) (then (return (i32.const 0))))
    (call $tripled (local.get $in) (local.get $j) (local.get $last) (local.get $tri)))
  ;; Whether the byte at j, its pair not skipped, is a place: its triple does not skip it (tripleSkips).
  (func $tripled (param $in i32) (param $j i32) (param $last i32) (param $tri i32) (result i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $h i32)
    (if (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $last)) (then (return (i32.const 1))))
    (local.set $b0 (i32.load8_u (i32.add (local.get $in) (local.get $j))))
    (local.set $b1 (i32.load8_u offset=1 (i32.add (local.get $in) (local.get $j))))
    (local.set $b2 (i32.load8_u offset=2 (i32.add (local.get $in) (local.get $j))))
    (if (i32.eqz (i32.and (i32.load offset=8192 (i32.add (local.get $tri) (i32.shl (local.get $b0) (i32.const 2)))) (i32.const 2)))
      (then (return (i32.const 1))))
    (if (i32.eqz (i32.and (i32.and
          (i32.load offset=8192 (i32.add (local.get $tri) (i32.shl (local.get $b1) (i32.const 2))))
          (i32.load offset=8192 (i32.add (local.get $tri) (i32.shl (local.get $b2) (i32.const 2))))) (i32.const 1)))
      (then (return (i32.const 1))))
    (local.set $h (i32.shr_u
      (i32.mul (i32.or (i32.or (i32.shl (local.get $b0) (i32.const 16)) (i32.shl (local.get $b1) (i32.const 8))) (local.get $b2))
               (i32.const 0x9e3779b1))
      (i32.const 16)))
    (i32.and (i32.shr_u
      (i32.load (i32.add (local.get $tri) (i32.shl (i32.shr_u (local.get $h) (i32.const 5)) (i32.const 2))))
      (i32.and (local.get $h) (i32.const 31))) (i32.const 1)))
  (func (export "places") (param $in i32) (param $count i32) (param $last i32) (param $out i32) (param $base i32)
    (param $le i32) (param $tri i32) (result i32)
    (local $j i32) (local $n i32) (local $k i32) (local $m i32) (local $p i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $s4 i32) (local $s5 i32) (local $s6 i32) (local $s7 i32)
    (block $tail
      (loop $eight
        (br_if $tail (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $count)))
        (local.set $p (i32.add (local.get $in) (local.get $j)))
        (if (i32.eqz (i32.and
              (i32.and
                (i32.and
                  (local.tee $s0 (i32.load8_u (i32.add (local.get $le) (i32.load16_u offset=0 (local.get $p)))))
                  (local.tee $s1 (i32.load8_u (i32.add (local.get $le) (i32.load16_u offset=1 (local.get $p))))))
                (i32.and
                  (local.tee $s2 (i32.load8_u (i32.add (local.get $le) (i32.load16_u offset=2 (local.get $p)))))
                  (local.tee $s3 (i32.load8_u (i32.add (local.get $le) (i32.load16_u offset=3 (local.get $p)))))))
              (i32.and
                (i32.and
                  (local.tee $s4 (i32.load8_u (i32.add (local.get $le) (i32.load16_u offset=4 (local.get $p)))))
                  (local.tee $s5 (i32.load8_u (i32.add (local.get $le) (i32.load16_u offset=5 (local.get $p))))))
                (i32.and
                  (local.tee $s6 (i32.load8_u (i32.add (local.get $le) (i32.load16_u offset=6 (local.get $p)))))
                  (local.tee $s7 (i32.load8_u (i32.add (local.get $le) (i32.load16_u offset=7 (local.get $p)))))))))
          (then
            ;; The pairs not skipped, a bit each, then each tried by its triple.
            (local.set $m (i32.xor (i32.const 255) (i32.or
              (i32.or
                (i32.or (local.get $s0) (i32.shl (local.get $s1) (i32.const 1)))
                (i32.or (i32.shl (local.get $s2) (i32.const 2)) (i32.shl (local.get $s3) (i32.const 3))))
              (i32.or
                (i32.or (i32.shl (local.get $s4) (i32.const 4)) (i32.shl (local.get $s5) (i32.const 5)))
                (i32.or (i32.shl (local.get $s6) (i32.const 6)) (i32.shl (local.get $s7) (i32.const 7)))))))
            (loop $each
              (local.set $k (i32.add (local.get $j) (i32.ctz (local.get $m))))
              (if (call $tripled (local.get $in) (local.get $k) (local.get $last) (local.get $tri))
                (then
                  (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (i32.add (local.get $base) (local.get $k)))
                  (local.set $n (i32.add (local.get $n) (i32.const 1)))))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (br_if $each (local.get $m)))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $eight)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_s (local.get $j) (local.get $count)))
        (if (call $place (local.get $in) (local.get $j) (local.get $last) (local.get $le) (local.get $tri))
          (then
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (i32.add (local.get $base) (local.get $j)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $one)))
    (local.get $n))
)
