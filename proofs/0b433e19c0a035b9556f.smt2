; corpus/not-equivalent/x86_64-outb-wrong-port.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x220 (bvsub RSP (_ bv8 64))))
(let ((?x2368 (bvadd ?x220 (_ bv8 64))))
(let (($x236 (and (distinct ?x2368 RSP) true)))
(let (($x2045 (and (distinct (_ bv128 16) (_ bv129 16)) true)))
(let (($x285 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x304 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x1076 (= TF (_ bv0 1))))
(let (($x1056 (= VM (_ bv0 1))))
(let (($x2594 (= DF (_ bv0 1))))
(and $x2594 $x1056 $x1076 $x304 (or $x285 $x2045 $x236))))))))))))
(check-sat)
