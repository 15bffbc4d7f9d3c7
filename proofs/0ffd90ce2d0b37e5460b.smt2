; corpus/equivalent/x86_64-swapgs.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x573 (bvsub RSP (_ bv8 64))))
(let ((?x83 (bvadd ?x573 (_ bv8 64))))
(let (($x649 (and (distinct ?x83 RSP) true)))
(let (($x709 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x556 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x330 (= TF (_ bv0 1))))
(let (($x430 (= VM (_ bv0 1))))
(let (($x685 (= DF (_ bv0 1))))
(and $x685 $x430 $x330 $x556 (or $x709 $x649)))))))))))
(check-sat)
