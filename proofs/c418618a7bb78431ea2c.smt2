; corpus/history/2.6.24-5.12-x86/x86_64-irq_enable-sti.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x430 (bvsub RSP (_ bv8 64))))
(let ((?x134 (bvadd ?x430 (_ bv8 64))))
(let (($x590 (and (distinct ?x134 RSP) true)))
(let (($x719 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x907 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x683 (= TF (_ bv0 1))))
(let (($x173 (= VM (_ bv0 1))))
(let (($x401 (= DF (_ bv0 1))))
(and $x401 $x173 $x683 $x907 (or $x719 $x590)))))))))))
(check-sat)
