; corpus/equivalent/x86_64-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x158 (bvsub RSP (_ bv8 64))))
(let ((?x113 (bvadd ?x158 (_ bv8 64))))
(let (($x25 (and (distinct ?x113 RSP) true)))
(let (($x191 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x210 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x212 (= TF (_ bv0 1))))
(let (($x101 (= VM (_ bv0 1))))
(let (($x11 (= DF (_ bv0 1))))
(and $x11 $x101 $x212 $x210 (or $x191 $x25)))))))))))
(check-sat)
