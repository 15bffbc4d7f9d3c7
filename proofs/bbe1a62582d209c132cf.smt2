; corpus/not-equivalent/x86_64-swapgs-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun KERNEL_GS_BASE () (_ BitVec 64))
(declare-fun GS_OFFSET () (_ BitVec 64))
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let (($x2573 (and (distinct GS_OFFSET KERNEL_GS_BASE) true)))
(let (($x1112 (and (distinct KERNEL_GS_BASE GS_OFFSET) true)))
(let ((?x3354 (bvsub RSP (_ bv8 64))))
(let ((?x3571 (bvadd ?x3354 (_ bv8 64))))
(let (($x4607 (and (distinct ?x3571 RSP) true)))
(let (($x3676 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x381 (= VM (_ bv0 1))))
(let (($x3689 (= DF (_ bv0 1))))
(and $x3689 $x381 (or $x3676 $x4607 $x1112 $x2573)))))))))))
(check-sat)
