; corpus/not-equivalent/x86_64-outw-too-wide.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x4658 (bvsub RSP (_ bv8 64))))
(let ((?x1854 (bvadd ?x4658 (_ bv8 64))))
(let (($x5274 (and (distinct ?x1854 RSP) true)))
(let (($x3494 (and (distinct (_ bv1 8) (_ bv2 8)) true)))
(let (($x6752 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x14453 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x5283 (= TF (_ bv0 1))))
(let (($x5512 (= VM (_ bv0 1))))
(let (($x2033 (= DF (_ bv0 1))))
(and $x2033 $x5512 $x5283 $x14453 (or $x6752 $x3494 true $x5274))))))))))))
(check-sat)
