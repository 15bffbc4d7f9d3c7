; corpus/not-equivalent/x86_64-outb-wrong-port.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1377 (bvsub RSP (_ bv8 64))))
(let ((?x1061 (bvadd ?x1377 (_ bv8 64))))
(let (($x5580 (and (distinct ?x1061 RSP) true)))
(let (($x1350 (and (distinct (_ bv128 16) (_ bv129 16)) true)))
(let (($x16581 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x4220 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x1367 (= TF (_ bv0 1))))
(let (($x3488 (= VM (_ bv0 1))))
(let (($x5967 (= DF (_ bv0 1))))
(and $x5967 $x3488 $x1367 $x4220 (or $x16581 $x1350 $x5580))))))))))))
(check-sat)
