; corpus/equivalent/x86_64-mov64-identity.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x72 (bvsub RSP (_ bv8 64))))
(let ((?x119 (bvadd ?x72 (_ bv8 64))))
(let (($x30 (and (distinct ?x119 RSP) true)))
(let (($x117 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x28 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x179 (= TF (_ bv0 1))))
(let (($x130 (= VM (_ bv0 1))))
(let (($x12 (= DF (_ bv0 1))))
(and $x12 $x130 $x179 $x28 (or $x117 $x30)))))))))))
(check-sat)
