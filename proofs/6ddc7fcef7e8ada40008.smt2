; corpus/equivalent/x86_64-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x750 (bvsub RSP (_ bv8 64))))
(let ((?x550 (bvadd ?x750 (_ bv8 64))))
(let (($x106 (and (distinct ?x550 RSP) true)))
(let (($x11 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x62 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x69 (= TF (_ bv0 1))))
(let (($x181 (= VM (_ bv0 1))))
(let (($x72 (= DF (_ bv0 1))))
(and $x72 $x181 $x69 $x62 (or $x11 $x106)))))))))))
(check-sat)
