; corpus/equivalent/x86_64-mov64-via-thunk.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x750 (bvsub RSP (_ bv8 64))))
(let ((?x185 (bvadd ?x750 (_ bv8 64))))
(let (($x218 (and (distinct ?x185 RSP) true)))
(let (($x314 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x24 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x62 (= TF (_ bv0 1))))
(let (($x520 (= VM (_ bv0 1))))
(let (($x75 (= DF (_ bv0 1))))
(and $x75 $x520 $x62 $x24 (or $x314 $x218)))))))))))
(check-sat)
