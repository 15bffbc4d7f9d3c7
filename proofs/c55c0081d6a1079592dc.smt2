; corpus/not-equivalent/x86_64-outw-too-wide.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x6584 (bvsub RSP (_ bv8 64))))
(let ((?x5299 (bvadd ?x6584 (_ bv8 64))))
(let (($x5862 (and (distinct ?x5299 RSP) true)))
(let (($x10130 (and (distinct (_ bv1 8) (_ bv2 8)) true)))
(let (($x6330 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x333 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x3880 (= TF (_ bv0 1))))
(let (($x6 (= VM (_ bv0 1))))
(let (($x363 (= DF (_ bv0 1))))
(and $x363 $x6 $x3880 $x333 (or $x6330 $x10130 true $x5862))))))))))))
(check-sat)
