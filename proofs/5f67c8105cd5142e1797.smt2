; corpus/equivalent/x86_64-mov64-identity.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x159 (bvsub RSP (_ bv8 64))))
(let ((?x75 (bvadd ?x159 (_ bv8 64))))
(let (($x112 (and (distinct ?x75 RSP) true)))
(let (($x8 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x557 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x26 (= TF (_ bv0 1))))
(let (($x351 (= VM (_ bv0 1))))
(let (($x162 (= DF (_ bv0 1))))
(and $x162 $x351 $x26 $x557 (or $x8 $x112)))))))))))
(check-sat)
