; corpus/equivalent/x86_64-safe_halt.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x934 (bvsub RSP (_ bv8 64))))
(let ((?x21 (bvadd ?x934 (_ bv8 64))))
(let (($x854 (and (distinct ?x21 RSP) true)))
(let (($x180 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x207 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x405 (= TF (_ bv0 1))))
(let (($x150 (= VM (_ bv0 1))))
(let (($x42 (= DF (_ bv0 1))))
(and $x42 $x150 $x405 $x207 (or $x180 $x854)))))))))))
(check-sat)
