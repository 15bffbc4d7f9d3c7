; corpus/equivalent/x86_64-irq_enable-sti.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x67 (bvsub RSP (_ bv8 64))))
(let ((?x159 (bvadd ?x67 (_ bv8 64))))
(let (($x116 (and (distinct ?x159 RSP) true)))
(let (($x160 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x23 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x70 (= TF (_ bv0 1))))
(let (($x106 (= VM (_ bv0 1))))
(let (($x10 (= DF (_ bv0 1))))
(and $x10 $x106 $x70 $x23 (or $x160 $x116)))))))))))
(check-sat)
