; corpus/equivalent/x86_64-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x238 (bvsub RSP (_ bv8 64))))
(let ((?x232 (bvadd ?x238 (_ bv8 64))))
(let (($x11 (and (distinct ?x232 RSP) true)))
(let (($x222 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x42 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x68 (= TF (_ bv0 1))))
(let (($x195 (= VM (_ bv0 1))))
(let (($x7 (= DF (_ bv0 1))))
(and $x7 $x195 $x68 $x42 (or $x222 $x11)))))))))))
(check-sat)
