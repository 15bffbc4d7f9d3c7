; corpus/not-equivalent/x86_64-halt-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x642 (bvsub RSP (_ bv8 64))))
(let ((?x43 (bvadd ?x642 (_ bv8 64))))
(let (($x4505 (and (distinct ?x43 RSP) true)))
(let (($x716 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x3371 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x5912 (= TF (_ bv0 1))))
(let (($x140 (= VM (_ bv0 1))))
(let (($x540 (= DF (_ bv0 1))))
(and $x540 $x140 $x5912 $x3371 (or $x716 true $x4505)))))))))))
(check-sat)
