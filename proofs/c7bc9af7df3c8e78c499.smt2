; corpus/equivalent/x86_64-mov64-via-thunk.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x204 (bvsub RSP (_ bv8 64))))
(let ((?x89 (bvadd ?x204 (_ bv8 64))))
(let (($x115 (and (distinct ?x89 RSP) true)))
(let (($x76 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x183 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x163 (= TF (_ bv0 1))))
(let (($x154 (= VM (_ bv0 1))))
(let (($x30 (= DF (_ bv0 1))))
(and $x30 $x154 $x163 $x183 (or $x76 $x115)))))))))))
(check-sat)
