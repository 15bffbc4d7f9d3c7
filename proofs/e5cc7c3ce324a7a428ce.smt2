; corpus/equivalent/x86_64-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x159 (bvsub RSP (_ bv8 64))))
(let ((?x33 (bvadd ?x159 (_ bv8 64))))
(let (($x574 (and (distinct ?x33 RSP) true)))
(let (($x144 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x186 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x71 (= TF (_ bv0 1))))
(let (($x29 (= VM (_ bv0 1))))
(let (($x550 (= DF (_ bv0 1))))
(and $x550 $x29 $x71 $x186 (or $x144 $x574)))))))))))
(check-sat)
