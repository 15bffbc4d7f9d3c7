; corpus/equivalent/x86_64-mov64-via-thunk.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x161 (bvsub RSP (_ bv8 64))))
(let ((?x113 (bvadd ?x161 (_ bv8 64))))
(let (($x222 (and (distinct ?x113 RSP) true)))
(let (($x79 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x138 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x67 (= TF (_ bv0 1))))
(let (($x97 (= VM (_ bv0 1))))
(let (($x229 (= DF (_ bv0 1))))
(and $x229 $x97 $x67 $x138 (or $x79 $x222)))))))))))
(check-sat)
