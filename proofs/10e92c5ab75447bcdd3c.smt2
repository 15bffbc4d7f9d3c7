; corpus/equivalent/x86_64-read_cr8.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x750 (bvsub RSP (_ bv8 64))))
(let ((?x351 (bvadd ?x750 (_ bv8 64))))
(let (($x537 (and (distinct ?x351 RSP) true)))
(let (($x170 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x69 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x119 (= TF (_ bv0 1))))
(let (($x110 (= VM (_ bv0 1))))
(let (($x33 (= DF (_ bv0 1))))
(and $x33 $x110 $x119 $x69 (or $x170 $x537)))))))))))
(check-sat)
