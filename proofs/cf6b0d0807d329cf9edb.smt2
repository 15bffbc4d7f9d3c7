; corpus/equivalent/x86_64-mfence.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x750 (bvsub RSP (_ bv8 64))))
(let ((?x162 (bvadd ?x750 (_ bv8 64))))
(let (($x15 (and (distinct ?x162 RSP) true)))
(let (($x203 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x140 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x24 (= TF (_ bv0 1))))
(let (($x33 (= VM (_ bv0 1))))
(let (($x536 (= DF (_ bv0 1))))
(and $x536 $x33 $x24 $x140 (or $x203 $x15)))))))))))
(check-sat)
