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
 (let (($x616 (and (distinct GS_OFFSET KERNEL_GS_BASE) true)))
(let (($x1477 (and (distinct KERNEL_GS_BASE GS_OFFSET) true)))
(let (($x121 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x2079 (= TF (_ bv0 1))))
(let (($x673 (= VM (_ bv0 1))))
(let (($x828 (= DF (_ bv0 1))))
(and $x828 $x673 $x2079 $x121 (or $x1477 $x616)))))))))
(check-sat)
