; corpus/not-equivalent/x86_64-outw-too-wide.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x2435 (bvsub RSP (_ bv8 64))))
(let ((?x1076 (bvadd ?x2435 (_ bv8 64))))
(let (($x2110 (and (distinct ?x1076 RSP) true)))
(let (($x878 (and (distinct (_ bv1 8) (_ bv2 8)) true)))
(let (($x81 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x2517 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x939 (= TF (_ bv0 1))))
(let (($x27 (= VM (_ bv0 1))))
(let (($x285 (= DF (_ bv0 1))))
(and $x285 $x27 $x939 $x2517 (or $x81 $x878 true $x2110))))))))))))
(check-sat)
