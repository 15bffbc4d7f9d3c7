; corpus/equivalent/x86_64-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x121 (bvsub RSP (_ bv8 64))))
(let ((?x51 (bvadd ?x121 (_ bv8 64))))
(let (($x574 (and (distinct ?x51 RSP) true)))
(let (($x33 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x118 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x158 (= TF (_ bv0 1))))
(let (($x181 (= VM (_ bv0 1))))
(let (($x22 (= DF (_ bv0 1))))
(and $x22 $x181 $x158 $x118 (or $x33 $x574)))))))))))
(check-sat)
