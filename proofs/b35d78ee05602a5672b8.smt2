; corpus/equivalent/x86_64-irq_enable-sti.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x159 (bvsub RSP (_ bv8 64))))
(let ((?x536 (bvadd ?x159 (_ bv8 64))))
(let (($x154 (and (distinct ?x536 RSP) true)))
(let (($x101 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x44 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x179 (= TF (_ bv0 1))))
(let (($x164 (= VM (_ bv0 1))))
(let (($x750 (= DF (_ bv0 1))))
(and $x750 $x164 $x179 $x44 (or $x101 $x154)))))))))))
(check-sat)
