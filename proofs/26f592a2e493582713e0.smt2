; corpus/equivalent/x86_64-read_cr0.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x10 (bvsub RSP (_ bv8 64))))
(let ((?x199 (bvadd ?x10 (_ bv8 64))))
(let (($x7 (and (distinct ?x199 RSP) true)))
(let (($x229 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x190 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x65 (= TF (_ bv0 1))))
(let (($x50 (= VM (_ bv0 1))))
(let (($x222 (= DF (_ bv0 1))))
(and $x222 $x50 $x65 $x190 (or $x229 $x7)))))))))))
(check-sat)
