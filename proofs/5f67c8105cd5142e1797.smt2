; corpus/equivalent/x86_64-mov64-identity.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x68 (bvsub RSP (_ bv8 64))))
(let ((?x166 (bvadd ?x68 (_ bv8 64))))
(let (($x229 (and (distinct ?x166 RSP) true)))
(let (($x116 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x120 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x155 (= TF (_ bv0 1))))
(let (($x87 (= VM (_ bv0 1))))
(let (($x199 (= DF (_ bv0 1))))
(and $x199 $x87 $x155 $x120 (or $x116 $x229)))))))))))
(check-sat)
