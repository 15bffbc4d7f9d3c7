; corpus/equivalent/x86_64-safe_halt.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x53 (bvsub RSP (_ bv8 64))))
(let ((?x238 (bvadd ?x53 (_ bv8 64))))
(let (($x563 (and (distinct ?x238 RSP) true)))
(let (($x389 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x187 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x486 (= TF (_ bv0 1))))
(let (($x166 (= VM (_ bv0 1))))
(let (($x557 (= DF (_ bv0 1))))
(and $x557 $x166 $x486 $x187 (or $x389 $x563)))))))))))
(check-sat)
