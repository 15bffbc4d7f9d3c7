; corpus/history/2.6.24-5.12-x86/x86_64-usergs_sysret64-swapgs-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun KERNEL_GS_BASE () (_ BitVec 64))
(declare-fun GS_OFFSET () (_ BitVec 64))
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let (($x200 (and (distinct GS_OFFSET KERNEL_GS_BASE) true)))
(let (($x86 (and (distinct KERNEL_GS_BASE GS_OFFSET) true)))
(let (($x899 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x192 (= TF (_ bv0 1))))
(let (($x533 (= VM (_ bv0 1))))
(let (($x750 (= DF (_ bv0 1))))
(and $x750 $x533 $x192 $x899 (or $x86 $x200)))))))))
(check-sat)
