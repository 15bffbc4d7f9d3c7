; corpus/not-equivalent/x86_64-outw-too-wide.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x6308 (bvsub RSP (_ bv8 64))))
(let ((?x1367 (bvadd ?x6308 (_ bv8 64))))
(let (($x7077 (and (distinct ?x1367 RSP) true)))
(let (($x5967 (and (distinct (_ bv1 8) (_ bv2 8)) true)))
(let (($x188 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x6353 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x1052 (= TF (_ bv0 1))))
(let (($x4302 (= VM (_ bv0 1))))
(let (($x4311 (= DF (_ bv0 1))))
(and $x4311 $x4302 $x1052 $x6353 (or $x188 $x5967 true $x7077))))))))))))
(check-sat)
