; corpus/equivalent/x86_64-swapgs.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x238 (bvsub RSP (_ bv8 64))))
(let ((?x365 (bvadd ?x238 (_ bv8 64))))
(let (($x218 (and (distinct ?x365 RSP) true)))
(let (($x256 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x549 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x152 (= TF (_ bv0 1))))
(let (($x46 (= VM (_ bv0 1))))
(let (($x42 (= DF (_ bv0 1))))
(and $x42 $x46 $x152 $x549 (or $x256 $x218)))))))))))
(check-sat)
