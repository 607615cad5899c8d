;; The text readers' looks (runs-bytes-looks.ts), sixteen bytes a step with WebAssembly SIMD: where the spaced
;; characters' reader (spaced-chars.ts) may find a run, where the word lists' reader (runs-bytes-words.ts) may find a
;; number, and which bytes the byte lists' reader (runs-bytes.ts) reads stretches of, as bit masks (bit j of 16-bit
;; word k: byte 16k + j). Built to runs-bytes-looks-wasm.ts by scripts/runs-classify-wasm.mjs.
;;
;; Memory: the members' nibble tables at 0 and 16; the input at `in`, the three bytes before it and the three after
;; each block readable (the caller puts the buffer's bytes there, or zeros past its ends); the mask at `out`.
(module
  (memory (export "memory") 1)
  ;; spaced(in, blocks, out): bit set where the byte is a blank, a line break, a tab or a comma and the bytes two before
  ;; and two after it are the same byte, or where it is a carriage return and so are the bytes three before and after.
  (func (export "spaced") (param $in i32) (param $blocks i32) (param $out i32)
    (local $x v128) (local $cr v128) (local $end i32)
    (local.set $cr (i8x16.splat (i32.const 13)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $blocks) (i32.const 4))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $x (v128.load (local.get $in)))
        (i32.store16 (local.get $out)
          (i8x16.bitmask
            (v128.or
              (v128.and
                (v128.and
                  (i8x16.eq (local.get $x) (v128.load (i32.sub (local.get $in) (i32.const 2))))
                  (i8x16.eq (local.get $x) (v128.load offset=2 (local.get $in))))
                (v128.or
                  (v128.or
                    (i8x16.eq (local.get $x) (i8x16.splat (i32.const 32)))
                    (i8x16.eq (local.get $x) (i8x16.splat (i32.const 10))))
                  (v128.or
                    (i8x16.eq (local.get $x) (i8x16.splat (i32.const 9)))
                    (i8x16.eq (local.get $x) (i8x16.splat (i32.const 44))))))
              (v128.and
                (v128.and
                  (i8x16.eq (local.get $x) (local.get $cr))
                  (i8x16.eq (v128.load (i32.sub (local.get $in) (i32.const 3))) (local.get $cr)))
                (i8x16.eq (v128.load offset=3 (local.get $in)) (local.get $cr))))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (br $next))))
  ;; members(in, blocks, out): bit set where the byte is in the byte lists' table (LO at 0, HI at 16: LO[c & 15] &
  ;; HI[c >> 4] is not 0, a bit a high nibble, so any table of ASCII bytes).
  (func (export "members") (param $in i32) (param $blocks i32) (param $out i32)
    (local $lo v128) (local $hi v128) (local $x v128) (local $end i32)
    (local.set $lo (v128.load (i32.const 0)))
    (local.set $hi (v128.load (i32.const 16)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $blocks) (i32.const 4))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $x (v128.load (local.get $in)))
        (i32.store16 (local.get $out)
          (i8x16.bitmask (i8x16.ne
            (v128.and
              (i8x16.swizzle (local.get $lo) (v128.and (local.get $x) (i8x16.splat (i32.const 15))))
              (i8x16.swizzle (local.get $hi) (i8x16.shr_u (local.get $x) (i32.const 4))))
            (i8x16.splat (i32.const 0)))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (br $next))))
  ;; digits(in, blocks, out): bit set where the byte is an ASCII digit.
  (func (export "digits") (param $in i32) (param $blocks i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $blocks) (i32.const 4))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (i32.store16 (local.get $out)
          (i8x16.bitmask
            (i8x16.lt_u (i8x16.sub (v128.load (local.get $in)) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 10)))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 2)))
        (br $next))))
)
